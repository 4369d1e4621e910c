/**
 * Node.js entry point: registers Node's `crypto` so that the synchronous webhook calls
 * (`WebhookReceiver.verify`, `verifyWebhook`, `createWebhookSignature`) work on every Node
 * version, then exports exactly what `index` exports.
 */
import * as nodeCrypto from 'node:crypto';
import { setNodeCrypto, type NodeCryptoLike } from './webhook/crypto.js';

setNodeCrypto(nodeCrypto as unknown as NodeCryptoLike);

export * from './index.js';
