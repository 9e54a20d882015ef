SELECT COLUMN_NAME AS column_name, DATA_TYPE AS data_type, CHARACTER_MAXIMUM_LENGTH AS character_maximum_length
  FROM INFORMATION_SCHEMA.COLUMNS
 WHERE TABLE_SCHEMA = @schema AND TABLE_NAME = @name
 ORDER BY ORDINAL_POSITION;

SELECT TOP (1) i.name
  FROM sys.indexes AS i
 WHERE i.object_id = OBJECT_ID(@table)
   AND i.is_unique = 1 AND i.has_filter = 0 AND i.is_disabled = 0
   AND (SELECT COUNT(*) FROM sys.index_columns AS ic
         WHERE ic.object_id = i.object_id AND ic.index_id = i.index_id AND ic.is_included_column = 0) = 3
   AND (SELECT COUNT(*) FROM sys.index_columns AS ic
          JOIN sys.columns AS c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
         WHERE ic.object_id = i.object_id AND ic.index_id = i.index_id AND ic.is_included_column = 0
           AND c.name IN (N'source_system', N'source_issue_id', N'source_project_id')) = 3
 ORDER BY i.name;

SELECT TOP (1) import_run_id, created_at
  FROM fact.issue_import_runs
 WHERE source_system = @source_system AND status = @status
 ORDER BY created_at DESC, import_run_id DESC;
