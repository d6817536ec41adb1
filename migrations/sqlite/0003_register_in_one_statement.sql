-- The twin of migrations/postgres/0003_register_in_one_statement.sql. SQLite needs nothing new:
-- its one writer assigns ids as MAX(id) + 1 and writes a registration in one multi-statement
-- round trip from Rust.
SELECT 1;
