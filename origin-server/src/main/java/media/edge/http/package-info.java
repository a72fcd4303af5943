/** The data port: HTTP/1.1 semantics for players (validators, ranges, CORS, compression) over Netty. */
package media.edge.http;
