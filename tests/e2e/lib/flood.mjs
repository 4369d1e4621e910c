// Helpers for the flood tests: the server's resident memory, Prometheus counters, and masked
// client frames for a raw-socket offender.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { api } from './server.mjs';

export const MiB = 1024 * 1024;

/** The server process's resident set size in bytes (VmRSS of /proc/<pid>/status). */
export function rssBytes(srv) {
  const status = fs.readFileSync(`/proc/${srv.proc.pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  assert.ok(m, `no VmRSS in /proc/${srv.proc.pid}/status`);
  return Number(m[1]) * 1024;
}

/** CPU time (user + system) of the server process so far, in seconds. */
export function cpuSeconds(srv) {
  const stat = fs.readFileSync(`/proc/${srv.proc.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** The value of one Prometheus sample (`name` or `name{labels}`), or 0 when absent. */
export async function metric(srv, sample) {
  const res = await api(srv.url, 'GET', '/api/metrics/prometheus');
  assert.equal(res.status, 200, res.text);
  const escaped = sample.replace(/[{}"=]/g, (c) => `\\${c}`);
  const m = new RegExp(`^${escaped} (\\S+)$`, 'm').exec(res.text);
  return m ? Number(m[1]) : 0;
}

/** A masked client frame with `opcode` and `payload` (< 126 bytes). */
export function maskedFrame(opcode, payload) {
  const body = Buffer.from(payload);
  assert.ok(body.length < 126);
  const mask = crypto.randomBytes(4);
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | body.length]), mask, body.map((b, i) => b ^ mask[i % 4])]);
}

/** Write `chunk` to `socket`, waiting for 'drain' when the kernel buffer is full. */
export function writeChunk(socket, chunk) {
  return new Promise((resolve, reject) => {
    if (socket.destroyed) return reject(new Error('socket destroyed'));
    const onError = (e) => { cleanup(); reject(e ?? new Error('socket closed')); };
    const done = () => { cleanup(); resolve(); };
    const cleanup = () => { socket.off('error', onError); socket.off('close', onError); socket.off('drain', done); };
    socket.once('error', onError);
    socket.once('close', onError);
    if (socket.write(chunk)) done(); else socket.once('drain', done);
  });
}
