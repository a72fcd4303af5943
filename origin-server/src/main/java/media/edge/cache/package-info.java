/** The memory tier: hot file bodies in pooled direct buffers, bounded by bytes, one disk read per miss. */
package media.edge.cache;
