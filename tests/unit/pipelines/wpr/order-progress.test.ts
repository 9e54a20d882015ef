/** Progress per order in the seed's words. */
import { describe, expect, it } from 'vitest';
import { OrderProgress } from '../../../../src/pipelines/wpr/order-progress.js';

describe('OrderProgress', () => {
  it('announces each order once all its writes have settled, in the seed\'s words', () => {
    const lines: string[] = [];
    const progress = new OrderProgress(
      [
        { orderId: 'WPO00182554', project: 'flowone', items: [{ kind: 'story', key: 'a', op: 'update' }, { kind: 'story', key: 'b', op: 'create' }] },
        { orderId: 'WPO00182556', project: 'flowone', items: [{ kind: 'epic', key: 'WPO00182556@flowone', op: 'create' }, ...['c', 'd', 'e'].map((key) => ({ kind: 'story' as const, key, op: 'create' }))] },
        { orderId: 'WPO9', project: 'flowone', items: [] },
      ],
      (line) => lines.push(line),
    );
    progress.start();
    progress.settle('epic', 'WPO00182556@flowone', 'acked', 'create');
    progress.settle('story', 'a', 'acked', 'update');
    for (const key of ['c', 'd', 'e']) progress.settle('story', key, 'acked', 'create');
    progress.settle('story', 'b', 'failed', 'create');
    expect(lines).toEqual(['[1/3] order WPO9: epics=0, stories=0', '[2/3] order WPO00182556: epics=1, stories=3', '[3/3] order WPO00182554: epics=0, stories=1, errors=1']);
  });

  it('computes final lines from the final states, and names the project of an order split across projects', () => {
    const progress = new OrderProgress([
      { orderId: 'WPO1', project: 'flowone', items: [{ kind: 'epic', key: 'WPO1@flowone', op: 'create' }] },
      { orderId: 'WPO1', project: 'sbc', items: [{ kind: 'epic', key: 'WPO1@sbc', op: 'update' }] },
    ]);
    progress.settle('epic', 'WPO1@flowone', 'failed', 'create');
    const final = progress.finalLines((_kind, key) => (key === 'WPO1@flowone' ? { state: 'acked', op: 'create' } : undefined));
    expect(final).toEqual(['[1/2] order WPO1 (flowone): epics=1, stories=0', '[2/2] order WPO1 (sbc): epics=0, stories=0, not done=1']);
  });
});
