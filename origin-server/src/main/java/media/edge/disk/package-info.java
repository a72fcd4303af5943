/** The disk tier: a size-bounded, crash-safe store of cache entries under one folder, indexed in memory. */
package media.edge.disk;
