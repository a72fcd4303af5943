/** The memory tier both modes share: hot entries in pooled direct buffers, bounded by bytes, released on eviction. */
package media.edge.memory;
