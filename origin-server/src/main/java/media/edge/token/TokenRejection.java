package media.edge.token;

/**
 * Why a token was refused: the {@code reason} tag of {@code edge_token_rejections_total}. The
 * verifier checks in the order the constants are listed below (shape, key, signature, time, then
 * the request), so an unauthenticated token never learns more than that its signature is wrong.
 */
public enum TokenRejection {
  /** The request carried no token. */
  MISSING("missing"),
  /** Not a token: too long, an unknown or repeated field, no {@code exp}, a bad number. */
  MALFORMED("malformed"),
  /** Names an Ed25519 key id the ring does not hold, or the ring holds no key of the token's kind. */
  UNKNOWN_KEY("unknown_key"),
  /** The signature does not verify under any key of the ring (this includes a URL token used for another path). */
  BAD_SIGNATURE("bad_signature"),
  /** Past {@code exp}, beyond the clock-skew allowance. */
  EXPIRED("expired"),
  /** Before {@code st}, beyond the clock-skew allowance. */
  NOT_YET_VALID("not_yet_valid"),
  /** The token is bound to another client address. */
  IP_MISMATCH("ip_mismatch"),
  /** No ACL of the token matches the request path. */
  ACL_MISMATCH("acl_mismatch");

  private final String tag;

  TokenRejection(String tag) {
    this.tag = tag;
  }

  /** The lower-case metric tag value, e.g. {@code not_yet_valid}. */
  public String tag() {
    return tag;
  }
}
