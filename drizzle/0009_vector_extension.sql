-- pgvector where the server has it (PGlite bundles it; a PostgreSQL server may not): never fails where it is
-- absent or may not be created by this role. Embeddings are stored as real[] either way; without the
-- extension they are compared in plain SQL (lib/db/queries/knowledge-vectors.ts).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
    BEGIN
      CREATE EXTENSION IF NOT EXISTS vector;
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE NOTICE 'pgvector is installed but this role may not create the extension: vectors are compared without it';
    END;
  END IF;
END
$$;
