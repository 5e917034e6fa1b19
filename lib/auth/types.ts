/** Who is calling, and how they proved it. */
export interface AuthUser {
  id: string;
  email: string;
  name: string | null;
  /** "api_key": an `Authorization: Bearer lat_…` key; "session": the sign-in cookie. */
  via: "session" | "api_key";
  /** The key used, when `via` is "api_key". */
  apiKeyId?: string;
}
