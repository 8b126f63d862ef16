-- licence_documents (content follows in this session)
SELECT 1;
