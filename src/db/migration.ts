import type { QueryInterface } from 'sequelize';

/**
 * umzug passes `{ context }`, sequelize-cli passes the QueryInterface itself: accept both so one
 * migration file serves `npm run db:migrate`, the server's start-up and sequelize-cli.
 */
type Caller = { context: QueryInterface } | QueryInterface;

function queryInterface(caller: Caller): QueryInterface {
  return 'context' in caller ? caller.context : caller;
}

export function sqlMigration(upSql: string, downSql: string) {
  return {
    up: async (caller: Caller) => void (await queryInterface(caller).sequelize.query(upSql)),
    down: async (caller: Caller) => void (await queryInterface(caller).sequelize.query(downSql)),
  };
}
