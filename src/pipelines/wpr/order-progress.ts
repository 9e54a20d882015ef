/**
 * Progress per order, in the seed's words: `[3/5] order WPO00182556: epics=1, stories=3`
 * (`epics=1`: the epic was created, `epics=0`: it existed; `stories=N`: stories created or
 * updated; `, errors=N` when some failed). Fed with the apply's settled events, an order's line is
 * announced once all its writes have settled; the report's lines are computed again from the
 * final states (a create first reported failed may be adopted later by reconciliation).
 */

/** What one order will write. */
export interface OrderWrites {
  /** The order id shown in the line. */
  orderId: string;
  /** Project, shown when an order spans several projects. */
  project: string;
  /** `<kind>:<key>` of every item with a write. */
  items: ReadonlyArray<{ kind: 'epic' | 'story'; key: string; op: string }>;
}

interface OrderState {
  writes: OrderWrites;
  settled: Map<string, { state: 'acked' | 'failed'; op: string }>;
  announced: boolean;
}

/** Tracks the writes of every order and formats their lines. */
export class OrderProgress {
  private readonly orders: OrderState[];
  private readonly byItem = new Map<string, OrderState>();
  private announced = 0;
  private readonly multiProject: Set<string>;

  /** `announce` receives each order's line (with its position) as soon as it is complete. */
  constructor(
    orders: readonly OrderWrites[],
    private readonly announce: (line: string, done: number, total: number) => void = () => undefined,
  ) {
    this.orders = orders.map((writes) => ({ writes, settled: new Map(), announced: false }));
    const projectsPerOrder = new Map<string, Set<string>>();
    for (const { writes } of this.orders) {
      projectsPerOrder.set(writes.orderId, (projectsPerOrder.get(writes.orderId) ?? new Set()).add(writes.project));
    }
    for (const state of this.orders) for (const item of state.writes.items) this.byItem.set(`${item.kind}:${item.key}`, state);
    this.multiProject = new Set([...projectsPerOrder].filter(([, projects]) => projects.size > 1).map(([order]) => order));
  }

  /** Orders to process. */
  get total(): number {
    return this.orders.length;
  }

  /** Announces the orders that have nothing to write (all their work packages are unchanged). */
  start(): void {
    for (const state of this.orders) if (state.writes.items.length === 0) this.complete(state);
  }

  /** Records a settled write. */
  settle(kind: string, key: string, state: 'acked' | 'failed', op: string): void {
    const order = this.byItem.get(`${kind}:${key}`);
    if (!order) return;
    order.settled.set(`${kind}:${key}`, { state, op });
    if (!order.announced && order.settled.size === order.writes.items.length) this.complete(order);
  }

  /**
   * The final line of every order from the final write states (`final(kind, key)` answers the
   * latest state of a write, or undefined when it was not reached).
   */
  finalLines(final: (kind: string, key: string) => { state: 'acked' | 'failed'; op: string } | undefined): string[] {
    return this.orders.map((order, index) => {
      for (const item of order.writes.items) {
        const settled = final(item.kind, item.key);
        if (settled) order.settled.set(`${item.kind}:${item.key}`, settled);
        else order.settled.delete(`${item.kind}:${item.key}`);
      }
      return this.line(order, index + 1);
    });
  }

  private complete(order: OrderState): void {
    order.announced = true;
    this.announced += 1;
    this.announce(this.line(order, this.announced), this.announced, this.orders.length);
  }

  private line(order: OrderState, position: number): string {
    let epics = 0;
    let stories = 0;
    let errors = 0;
    let pending = 0;
    for (const item of order.writes.items) {
      const settled = order.settled.get(`${item.kind}:${item.key}`);
      if (!settled) pending += 1;
      else if (settled.state === 'failed') errors += 1;
      else if (item.kind === 'epic') epics += settled.op === 'create' ? 1 : 0;
      else stories += 1;
    }
    const where = this.multiProject.has(order.writes.orderId) ? ` (${order.writes.project})` : '';
    const tail = `${errors ? `, errors=${errors}` : ''}${pending ? `, not done=${pending}` : ''}`;
    return `[${position}/${this.orders.length}] order ${order.writes.orderId}${where}: epics=${epics}, stories=${stories}${tail}`;
  }
}
