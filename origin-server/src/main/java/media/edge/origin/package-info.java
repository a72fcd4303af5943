/**
 * Origin mode: the library folder (a request path maps to a file under the root, never to anything
 * outside it), its files held by the memory tier or sent with {@code sendfile}, and the responder that
 * answers from them.
 */
package media.edge.origin;
