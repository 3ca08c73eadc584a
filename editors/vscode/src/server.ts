// Finding the `datalex` binary. No `vscode` import here, so the tests can run this under plain Node.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** How the language server is started: `COMMAND lsp EXTRA_ARGS...`, over stdio. */
export interface ServerCommand {
  command: string;
  args: string[];
}

/** Why the binary could not be found, in words for the user. */
export class ServerNotFound extends Error {
  constructor(
    readonly configured: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Environment {
  /** The `PATH` (or `Path`) variable. */
  path: string | undefined;
  /** Windows' `PATHEXT`; ignored elsewhere. */
  pathext: string | undefined;
  platform: NodeJS.Platform;
  /** Where a relative `datalex.server.path` is taken from: the first workspace folder. */
  base: string | undefined;
}

export function currentEnvironment(base: string | undefined): Environment {
  return {
    path: process.env.PATH ?? process.env.Path,
    pathext: process.env.PATHEXT,
    platform: process.platform,
    base,
  };
}

/**
 * Resolves `datalex.server.path` to an executable file: a bare name (`datalex`) is looked up on
 * PATH, a path is taken as it is (relative ones from the workspace folder, `~/` from the home
 * directory). Throws ServerNotFound with a message that says what to do.
 */
export function resolveServer(configured: string, extraArgs: readonly string[], env: Environment): ServerCommand {
  const name = configured.trim() === '' ? 'datalex' : configured.trim();
  const args = ['lsp', ...extraArgs];
  const sep = env.platform === 'win32' ? /[\\/]/ : /\//;
  if (!sep.test(name)) {
    const found = searchPath(name, env);
    if (found === undefined) {
      throw new ServerNotFound(
        name,
        `The Datalex language server could not be started: \`${name}\` was not found on PATH. ` +
          'Install it with `cargo install --path .` in the Datalex repository (so that `datalex` is on PATH), ' +
          'or set `datalex.server.path` to the binary (e.g. target/release/datalex).',
      );
    }
    return { command: found, args };
  }
  let file = name.startsWith('~/') ? path.join(os.homedir(), name.slice(2)) : name;
  if (!path.isAbsolute(file) && env.base !== undefined) {
    file = path.join(env.base, file);
  }
  const candidates = env.platform === 'win32' ? [file, ...extensions(env).map((e) => file + e)] : [file];
  const found = candidates.find((c) => isExecutable(c, env.platform));
  if (found === undefined) {
    throw new ServerNotFound(
      name,
      `The Datalex language server could not be started: \`datalex.server.path\` is \`${name}\`, ` +
        `and ${file} is not an executable file. Build it with \`cargo build --release\` in the Datalex ` +
        'repository, or install it with `cargo install --path .` and set `datalex.server.path` back to `datalex`.',
    );
  }
  return { command: found, args };
}

function extensions(env: Environment): string[] {
  return (env.pathext ?? '.EXE;.CMD;.BAT;.COM').split(';').filter((e) => e !== '');
}

function searchPath(name: string, env: Environment): string | undefined {
  const dirs = (env.path ?? '').split(path.delimiter).filter((d) => d !== '');
  const names = env.platform === 'win32' ? [name, ...extensions(env).map((e) => name + e)] : [name];
  for (const dir of dirs) {
    for (const n of names) {
      const candidate = path.join(dir, n);
      if (isExecutable(candidate, env.platform)) {
        return candidate;
      }
    }
  }
  return undefined;
}

function isExecutable(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (platform !== 'win32') {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}
