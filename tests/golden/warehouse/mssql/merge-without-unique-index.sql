DECLARE @changes TABLE (merge_action nvarchar(10) NOT NULL);
MERGE dim.issue WITH (TABLOCKX, HOLDLOCK) AS t
USING #acc_staging AS s
   ON t.source_system = @source_system
  AND t.source_issue_id = s.source_issue_id
  AND t.source_project_id = s.source_project_id
WHEN MATCHED AND EXISTS (
       SELECT t.issue_bk COLLATE Latin1_General_100_BIN2, t.display_id COLLATE Latin1_General_100_BIN2, t.title COLLATE Latin1_General_100_BIN2, t.import_run_id
       EXCEPT
       SELECT s.issue_bk COLLATE Latin1_General_100_BIN2, s.display_id COLLATE Latin1_General_100_BIN2, s.title COLLATE Latin1_General_100_BIN2, @import_run_id)
  THEN UPDATE SET t.issue_bk = s.issue_bk, t.display_id = s.display_id, t.title = s.title, t.import_run_id = @import_run_id, t.updated_at = GETDATE()
WHEN NOT MATCHED BY TARGET
  THEN INSERT (source_system, source_issue_id, source_project_id, issue_bk, display_id, title, import_run_id, created_at, updated_at, current_flag)
       VALUES (@source_system, s.source_issue_id, s.source_project_id, s.issue_bk, s.display_id, s.title, @import_run_id, GETDATE(), GETDATE(), 1)
OUTPUT $action INTO @changes (merge_action);
SELECT COUNT(CASE WHEN merge_action = N'INSERT' THEN 1 END) AS inserted, COUNT(CASE WHEN merge_action = N'UPDATE' THEN 1 END) AS updated FROM @changes;
