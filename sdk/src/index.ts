/**
 * @smarterservices/realtime — client SDK of the Realtime Platform.
 *
 * This is the entry point for browsers, bundlers and edge runtimes; Node.js resolves
 * `index.node` (same exports, plus Node's `crypto` for synchronous webhook verification).
 */
export { RealtimeClient } from './client/realtime-client.js';
export type { ConnectionChange, ConnectionState, RealtimeClientOptions, TokenProvider } from './client/options.js';
export type { EventHandler } from './client/emitter.js';
export type { SubscribedInfo, SubscriptionInfo } from './client/subscriptions.js';
export { SocketClient } from './client/socket-client.js';
export type { ChannelJoinResult, ChannelMember, ChannelMembersOptions, ChannelMembersPage, PresenceEvent, PresencePayload } from './client/socket-client.js';

export { SyncClient } from './sync/sync-client.js';
export type { ExpectedRevision, SyncClientOptions, SyncCreateOptions, SyncListOptions, SyncMutation, SyncTokenSource } from './sync/sync-client.js';

export { ConflictError, NotFoundError, RealtimeError } from './errors.js';
export type { RealtimeErrorCode, RealtimeErrorDetails } from './errors.js';

export { decodeToken, getTokenExpiresIn, isTokenExpired, shouldRefreshToken, DEFAULT_REFRESH_THRESHOLD_MS } from './auth/token.js';
export type { TokenClaims } from './auth/token.js';

export {
  WebhookReceiver,
  WebhookVerificationError,
  createWebhookSignature,
  createWebhookSignatureAsync,
  verifyWebhook,
  verifyWebhookAsync,
} from './webhook/receiver.js';
export type {
  WebhookBody,
  WebhookEvent,
  WebhookHeaders,
  WebhookReceiverOptions,
  WebhookVerificationErrorCode,
} from './webhook/receiver.js';

export type {
  EventSource,
  FilterCondition,
  FilterScalar,
  JsonDiff,
  RealtimeEvent,
  RealtimeEventMetadata,
  SubscribeOptions,
  SubscriptionFilter,
  SyncDocument,
  SyncDocumentList,
  SyncEventPayload,
  SyncEventReturnMode,
} from './types.js';
