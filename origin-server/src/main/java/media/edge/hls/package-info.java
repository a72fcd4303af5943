/** What HLS content is: a file's kind from its name, a playlist's type from its tags, and the caching that follows. */
package media.edge.hls;
