SELECT CONVERT(nvarchar(max), issue_key) AS issue_key,
       CONVERT(nvarchar(40), acc_issue_number) AS acc_issue_number,
       CONVERT(nvarchar(100), acc_issue_uuid) AS acc_issue_uuid,
       CONVERT(nvarchar(max), source_project_id) AS source_project_id,
       CONVERT(nvarchar(max), acc_title) AS acc_title
  FROM dbo.vw_acc_issue_id_map;

SELECT CONVERT(nvarchar(max), source_issue_id) AS source_issue_id,
       CONVERT(nvarchar(max), source_project_id) AS source_project_id,
       CONVERT(nvarchar(max), issue_bk) AS issue_bk,
       CONVERT(nvarchar(max), title) AS title,
       CONVERT(nvarchar(max), display_id) AS display_id,
       CONVERT(nvarchar(max), import_run_id) AS import_run_id
  FROM dim.issue
 WHERE source_system = @source_system;

SELECT COUNT_BIG(*) AS n FROM dim.issue WHERE source_system = @source_system;
