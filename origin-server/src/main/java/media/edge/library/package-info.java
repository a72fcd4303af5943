/** The library: maps a request path to a file under the configured root, and never to anything outside it. */
package media.edge.library;
