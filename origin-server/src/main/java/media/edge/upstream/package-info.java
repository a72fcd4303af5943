/** The HTTP/1.1 client that fetches cache misses from parent edges and origins: pooling, retries, health checks. */
package media.edge.upstream;
