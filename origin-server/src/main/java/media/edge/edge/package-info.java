/** Edge mode: a pull-through cache that coalesces misses into one upstream fetch and streams it to every waiter. */
package media.edge.edge;
