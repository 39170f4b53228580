import { isAppError } from '@fjord/errors';
import { UsageError } from './cli-context';
import { apiKeyCreateHelp, runApiKeyCreate } from './commands/api-key-create.command';
import { bootstrapHelp, runBootstrap } from './commands/bootstrap.command';
import { mediaHelp, runMediaCommand } from './commands/media.command';
import { mediaReprocessHelp, runMediaReprocess } from './commands/media-reprocess.command';
import { dbMigrateHelp, runDbMigrate } from './commands/db-migrate.command';
import { runTrace, traceHelp } from './commands/trace.command';
import { runUserCreate, userCreateHelp } from './commands/user-create.command';
import { runUserInvite, userInviteHelp } from './commands/user-invite.command';
import { runUserErase, userEraseHelp } from './commands/user-erase.command';
import { runUserExport, userExportHelp } from './commands/user-export.command';
import { runUserQuota, userQuotaHelp } from './commands/user-quota.command';
import { runUserVerify, userVerifyHelp } from './commands/user-verify.command';

const HELP = `Fjord command line (npm run fjord -- <command>)

${bootstrapHelp}

${userCreateHelp}

${userInviteHelp}

${userEraseHelp}

${userExportHelp}

${userQuotaHelp}

${userVerifyHelp}

${apiKeyCreateHelp}

${mediaHelp}

${mediaReprocessHelp}

${dbMigrateHelp}

${traceHelp}

Configuration comes from the environment (DATABASE_URL, …), exactly as for the servers.
Exit codes: 0 done, 1 the command failed, 2 wrong usage.`;

async function dispatch(argv: string[]): Promise<void> {
  const [command, sub, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP);
    return;
  }
  const wantsHelp = argv.includes('--help') || argv.includes('-h');
  if (['upload', 'status', 'list', 'reprocess', 'image-url'].includes(command)) {
    return wantsHelp
      ? console.log(mediaHelp)
      : runMediaCommand(command as Parameters<typeof runMediaCommand>[0], argv.slice(1));
  }
  if (command === 'trace') return wantsHelp ? console.log(traceHelp) : runTrace(argv.slice(1));
  switch (`${command} ${command === 'bootstrap' ? '' : (sub ?? '')}`.trim()) {
    case 'bootstrap':
      return wantsHelp ? console.log(bootstrapHelp) : runBootstrap(argv.slice(1));
    case 'user create':
      return wantsHelp ? console.log(userCreateHelp) : runUserCreate(rest);
    case 'user invite':
      return wantsHelp ? console.log(userInviteHelp) : runUserInvite(rest);
    case 'user erase':
      return wantsHelp ? console.log(userEraseHelp) : runUserErase(rest);
    case 'user export':
      return wantsHelp ? console.log(userExportHelp) : runUserExport(rest);
    case 'user quota':
      return wantsHelp ? console.log(userQuotaHelp) : runUserQuota(rest);
    case 'user verify':
      return wantsHelp ? console.log(userVerifyHelp) : runUserVerify(rest);
    case 'api-key create':
      return wantsHelp ? console.log(apiKeyCreateHelp) : runApiKeyCreate(rest);
    case 'media reprocess':
      return wantsHelp ? console.log(mediaReprocessHelp) : runMediaReprocess(rest);
    case 'db migrate':
      return wantsHelp ? console.log(dbMigrateHelp) : runDbMigrate(rest);
    default:
      throw new UsageError(`Unknown command "${argv.slice(0, 2).join(' ')}".`);
  }
}

dispatch(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof UsageError || (err as { code?: string })?.code?.startsWith?.('ERR_PARSE_ARGS')) {
      console.error(`Error: ${(err as Error).message}\nRun "npm run fjord -- --help" for usage.`);
      process.exit(2);
    }
    console.error(
      `Error: ${isAppError(err) ? err.message : err instanceof Error ? err.message : String(err)}`,
    );
    process.exit(1);
  },
);
