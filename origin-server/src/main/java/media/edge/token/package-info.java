/**
 * Signed-URL tokens: Akamai EdgeAuth 2.0 (HMAC) and Ed25519 tokens, their key ring and its reloading,
 * and the verifier that turns a token, a request path and a client address into a verdict.
 */
package media.edge.token;
