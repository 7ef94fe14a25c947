/** A single sign-on attempt in flight (migration 0003_oidc). */
export interface OidcLoginsTable {
  state_hash: string;
  code_verifier: string;
  nonce: string;
  redirect_uri: string;
  return_to: string;
  created_at: string;
  expires_at: string;
}

declare module '../../platform/db/schema.js' {
  interface Database {
    oidc_logins: OidcLoginsTable;
  }
}
