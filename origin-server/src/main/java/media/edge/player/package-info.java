/** The browser player page of the demo: an HTML page and hls.js from the jar, served from memory. */
package media.edge.player;
