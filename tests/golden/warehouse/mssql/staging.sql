IF OBJECT_ID(N'tempdb..#acc_staging') IS NOT NULL DROP TABLE #acc_staging;
CREATE TABLE #acc_staging (
    source_issue_id nvarchar(100) COLLATE DATABASE_DEFAULT NOT NULL,
    source_project_id nvarchar(200) COLLATE DATABASE_DEFAULT NOT NULL,
    issue_bk nvarchar(40) COLLATE DATABASE_DEFAULT NOT NULL,
    display_id nvarchar(60) COLLATE DATABASE_DEFAULT NOT NULL,
    title nvarchar(max) COLLATE DATABASE_DEFAULT NULL,
    PRIMARY KEY (source_project_id, source_issue_id)
);
DROP TABLE #acc_staging;
