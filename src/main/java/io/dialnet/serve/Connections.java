package io.dialnet.serve;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/** The connection bound: at the limit, the connection waiting longest without a request being served makes room. */
final class Connections {
    static final AttributeKey<Connection> KEY = AttributeKey.valueOf("dialnet.connection");

    private Connections() {}

    /**
     * Closes the open connection that has waited longest for a complete request (idle, or still
     * sending its request: a slow client), so {@code self} can stay; false when every other connection has a
     * request in progress.
     */
    static boolean reclaim(Server server, Connection self) {
        Channel oldest = null;
        long since = Long.MAX_VALUE;
        for (Channel ch : server.channels) {
            Connection c = ch.attr(KEY).get();
            if (c == null || c == self || !c.reclaimable()) {
                continue;
            }
            if (c.waitingSince() < since) {
                since = c.waitingSince();
                oldest = ch;
            }
        }
        if (oldest == null) {
            return false;
        }
        server.metrics.connectionTimedOut();
        oldest.close();
        return true;
    }
}
