import type { QueryInterface } from 'sequelize';

/**
 * umzug passes `{ context }`, sequelize-cli passes the QueryInterface itself: accept both so one
 * migration file serves `npm run db:migrate`, the server's start-up and sequelize-cli.
 */
type Caller = { context: QueryInterface } | QueryInterface;

function queryInterface(caller: Caller): QueryInterface {
  return 'context' in caller ? caller.context : caller;
}

/** A schema change on a large table may take long: no statement or lock limit while it runs. */
const unlimited = (sql: string) => `SET statement_timeout = 0; SET lock_timeout = 0;\n${sql}\n;RESET statement_timeout; RESET lock_timeout;`;

export function sqlMigration(upSql: string, downSql: string) {
  return {
    up: async (caller: Caller) => void (await queryInterface(caller).sequelize.query(unlimited(upSql))),
    down: async (caller: Caller) => void (await queryInterface(caller).sequelize.query(unlimited(downSql))),
  };
}
