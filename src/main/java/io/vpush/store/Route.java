package io.vpush.store;

/**
 * One connection of a user as the route table knows it.
 *
 * @param user     the user id
 * @param nodeId   the access node holding the connection
 * @param clientId the client installation
 * @param device   the device type
 * @param since    when it connected, epoch ms
 */
public record Route(String user, String nodeId, String clientId, String device, long since) {
}
