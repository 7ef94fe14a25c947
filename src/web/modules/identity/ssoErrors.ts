import { ssoErrorCodes, type SsoErrorCode } from '../../../contracts/identity.js';

const messages: Record<SsoErrorCode, string> = {
  sso_not_configured:
    'Single sign-on is not set up on this Vigil installation. Sign in with your email and password, or ask a Vigil administrator.',
  sso_state:
    'The single sign-on attempt expired or was finished in another browser. Start it again from this page.',
  sso_denied:
    "The sign-in was cancelled or refused at your organization's sign-in provider. Try again, or contact your IT help desk if it keeps happening.",
  sso_unavailable:
    "Your organization's sign-in provider cannot be reached right now. Try again in a few minutes, or sign in with your password.",
  sso_failed:
    'Single sign-on could not be completed. Try again; if it keeps failing, tell a Vigil administrator (the server log has the details).',
  sso_no_role:
    'Your account at the sign-in provider is not in a group that gives access to Vigil. Ask a Vigil administrator for access.',
  sso_no_email:
    'The sign-in provider did not share your email address, which Vigil needs to create your account. Ask your IT team to release it to Vigil.',
  sso_email_unverified:
    'Your email address is not verified at the sign-in provider, so Vigil cannot create an account with it. Verify it there, or ask a Vigil administrator.',
  sso_account_conflict:
    'The Vigil account with your email address is already linked to another single sign-on identity. Ask a Vigil administrator to check your account.',
  sso_disabled: 'Your Vigil account is disabled. Ask a Vigil administrator if you think this is a mistake.',
};

const generic = 'Single sign-on did not complete. Try again, or sign in with your password.';

function isSsoErrorCode(code: string): code is SsoErrorCode {
  return (ssoErrorCodes as readonly string[]).includes(code);
}

/** What to tell a person sent back to the sign-in page with `?error=<code>` by the single sign-on callback. */
export function ssoErrorMessage(code: string): string {
  return isSsoErrorCode(code) ? messages[code] : generic;
}
