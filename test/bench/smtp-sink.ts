import { spawn } from 'node:child_process';

/**
 * A local SMTP sink for the benches (nodemailer's smtp-server, counting what it accepts). It runs
 * in a process of its own, as a mail server would: in the bench's process it would take the
 * sender's CPU and the figure would measure both.
 */
const sinkSource = `
const { SMTPServer } = require('smtp-server');
let accepted = 0;
const server = new SMTPServer({
  authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
  onData(stream, session, callback) { stream.on('end', () => { accepted += 1; callback(); }); stream.resume(); },
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.server.address().port }));
process.on('message', () => process.send({ accepted }));
`;

export async function smtpSink() {
  const child = spawn(process.execPath, ['-e', sinkSource], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<Record<string, number>>((resolve) => child.once('message', resolve as never));
  const { port } = await next();
  return {
    port: port!,
    pid: child.pid!,
    accepted: async () => {
      const answer = next();
      child.send('count');
      return (await answer).accepted!;
    },
    close: async () => {
      child.kill();
    },
  };
}
