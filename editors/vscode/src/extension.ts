// The Datalex extension: starts `datalex lsp` over stdio for documents of language `datalex`.
// Syntax highlighting needs no code: it is the TextMate grammar in syntaxes/.

import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { currentEnvironment, resolveServer, ServerNotFound } from './server';

const CLIENT_ID = 'datalex'; // the client reads `datalex.trace.server` by this id
const CLIENT_NAME = 'Datalex Language Server';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;
let traceOutput: vscode.OutputChannel | undefined;
// Starts and stops run one after another, so a restart never races a start.
let queue: Promise<void> = Promise.resolve();

export function activate(context: vscode.ExtensionContext): void {
  output = vscode.window.createOutputChannel(CLIENT_NAME);
  traceOutput = vscode.window.createOutputChannel(`${CLIENT_NAME} Trace`);
  context.subscriptions.push(output, traceOutput);

  context.subscriptions.push(
    vscode.commands.registerCommand('datalex.restartServer', () => enqueue(restart)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('datalex.server')) {
        void enqueue(restart);
      }
    }),
  );

  void enqueue(start);
}

export function deactivate(): Thenable<void> | undefined {
  return enqueue(stop);
}

function enqueue(step: () => Promise<void>): Promise<void> {
  queue = queue.then(step, step);
  return queue;
}

async function restart(): Promise<void> {
  await stop();
  await start();
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running === undefined) {
    return;
  }
  try {
    await running.stop();
  } catch (err) {
    output?.appendLine(`stopping the language server: ${String(err)}`);
  }
  await running.dispose().catch(() => undefined);
}

async function start(): Promise<void> {
  const config = vscode.workspace.getConfiguration('datalex');
  const configured = config.get<string>('server.path', 'datalex');
  const extraArgs = config.get<string[]>('server.extraArgs', []);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const base = folder?.scheme === 'file' ? folder.fsPath : undefined;

  let server;
  try {
    server = resolveServer(configured, extraArgs, currentEnvironment(base));
  } catch (err) {
    if (err instanceof ServerNotFound) {
      output?.appendLine(err.message);
      void offerHelp(err.message, ['Open Settings', 'Retry']);
      return;
    }
    throw err;
  }

  output?.appendLine(`starting ${server.command} ${server.args.join(' ')}`);
  const executable = { command: server.command, args: server.args, options: { cwd: base } };
  // No `transport`: the client would then add `--stdio`; `datalex lsp` speaks stdio as it is.
  const serverOptions: ServerOptions = { run: executable, debug: executable };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'datalex' },
      { scheme: 'untitled', language: 'datalex' },
    ],
    // No `synchronize.fileEvents`: the server registers `workspace/didChangeWatchedFiles` for
    // `**/*.dlx` itself (dynamic registration), so that it is told about files changed on disk
    // by any client, and only once.
    outputChannel: output,
    traceOutputChannel: traceOutput,
  };

  const created = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  client = created;
  try {
    await created.start();
  } catch (err) {
    const message =
      `The Datalex language server (${server.command} ${server.args.join(' ')}) failed to start: ` +
      `${err instanceof Error ? err.message : String(err)}. ` +
      'Check that this `datalex` is recent enough to have the `lsp` command (`datalex lsp --help`).';
    output?.appendLine(message);
    void offerHelp(message, ['Show Output', 'Open Settings', 'Retry']);
    if (client === created) {
      client = undefined;
    }
    await created.dispose().catch(() => undefined);
  }
}

async function offerHelp(message: string, actions: string[]): Promise<void> {
  const choice = await vscode.window.showErrorMessage(message, ...actions);
  if (choice === 'Open Settings') {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'datalex.server');
  } else if (choice === 'Show Output') {
    output?.show(true);
  } else if (choice === 'Retry') {
    await enqueue(restart);
  }
}
