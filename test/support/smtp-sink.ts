import { SMTPServer } from "smtp-server";

/** A message as the sink received it: envelope, raw headers and the decoded text of each part. */
export interface ReceivedMail {
  readonly to: readonly string[];
  readonly messageId: string;
  readonly subject: string;
  readonly raw: string;
  /** The raw message with quoted-printable decoded (what a reader would see of the text parts). */
  readonly decoded: string;
}

/**
 * A real SMTP server on 127.0.0.1 that keeps what it receives. `stop()` closes the listener (new
 * connections are refused, as with a mail server that is down); `start()` listens on the same port
 * again, so a sender configured with the port reaches it once more.
 */
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  private server: SMTPServer | undefined;

  private constructor(readonly port: number) {}

  /** Starts a sink on a free loopback port. */
  static async open(): Promise<SmtpSink> {
    const probe = new SMTPServer({ authOptional: true });
    const port = await new Promise<number>((resolve, reject) => {
      probe.server.once("error", reject);
      probe.listen(0, "127.0.0.1", () => {
        const address = probe.server.address();
        resolve(typeof address === "object" && address !== null ? address.port : 0);
      });
    });
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const sink = new SmtpSink(port);
    await sink.start();
    return sink;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  async start(): Promise<void> {
    if (this.server !== undefined) return;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          const header = (name: string) =>
            new RegExp(`^${name}:\\s*(.*(?:\\r?\\n[ \\t].*)*)`, "im")
              .exec(raw)?.[1]
              ?.replace(/\r?\n[ \t]+/g, " ") ?? "";
          this.received.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            messageId: header("Message-ID").trim(),
            subject: decodeEncodedWords(header("Subject").trim()),
            raw,
            decoded: decodeQuotedPrintable(raw),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`), as nodemailer writes non-ASCII headers. */
function decodeEncodedWords(text: string): string {
  return text
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?UTF-8\?([QB])\?(.*?)\?=/gi, (_m, encoding: string, body: string) =>
      encoding.toUpperCase() === "B"
        ? Buffer.from(body, "base64").toString("utf8")
        : decodeQuotedPrintable(body.replaceAll("_", " ")),
    );
}

function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\r?\n/g, "");
  return Buffer.from(
    joined.replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    "latin1",
  ).toString("utf8");
}
