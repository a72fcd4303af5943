/** Bootstrap and lifecycle: command line, wiring, transports, ports, drain on SIGTERM. */
package media.edge.server;
