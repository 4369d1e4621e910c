// The signed-out pages: one lazily loaded chunk.
export { SetupPage } from './SetupPage';
export { LoginPage } from './LoginPage';
export { ForgotPasswordPage } from './ForgotPasswordPage';
export { ResetPasswordPage } from './ResetPasswordPage';
export { InvitePage } from './InvitePage';
