/** HTTPS on the data port: PEM certificates and keys, the Netty {@code SslContext} they make, and its reload. */
package media.edge.tls;
