// Minimal stand-ins for the web frameworks the README's webhook examples use, so that those
// examples type-check without installing the frameworks. Shapes follow the real typings where
// the examples touch them (Express's req.body is `any`, req.headers is IncomingHttpHeaders).

declare module 'express' {
  import type { IncomingHttpHeaders } from 'node:http';
  interface Request {
    body: any;
    headers: IncomingHttpHeaders;
  }
  interface Response {
    sendStatus(code: number): Response;
  }
  interface Middleware {
    readonly __middleware: true;
  }
  type Handler = (req: Request, res: Response) => void;
  interface App {
    post(path: string, ...handlers: Array<Middleware | Handler>): App;
    listen(port: number): void;
  }
  interface Express {
    (): App;
    text(options?: { type?: string | string[] }): Middleware;
  }
  const express: Express;
  export default express;
}

declare module 'fastify' {
  import type { IncomingHttpHeaders } from 'node:http';
  interface FastifyRequest {
    body: unknown;
    headers: IncomingHttpHeaders;
  }
  interface FastifyReply {
    code(status: number): FastifyReply;
    send(payload: unknown): FastifyReply;
  }
  interface FastifyInstance {
    addContentTypeParser(
      type: string,
      options: { parseAs: 'string' | 'buffer' },
      parser: (req: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => void,
    ): void;
    post(path: string, handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>): void;
  }
  export default function Fastify(): FastifyInstance;
}

declare module 'next/server' {
  export type NextRequest = Request;
  export const NextResponse: { json(body: unknown, init?: ResponseInit): Response };
}
