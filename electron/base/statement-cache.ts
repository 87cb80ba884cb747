import type Database from 'better-sqlite3';

/**
 * Prepares each SQL text once per connection: preparing costs more than running the small statements
 * the engine's state and the reference server's catalog issue per file, which adds up over 100,000
 * files.
 */
export class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  get(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
