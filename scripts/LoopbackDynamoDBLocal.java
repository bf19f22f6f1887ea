// DynamoDB Local on 127.0.0.1 only: its command line has no bind address, and its
// DynamoDBProxyServer builds Jetty's Server(port), whose one connector listens on every interface.
// This builds the same server from the same arguments, then sets that connector's host before start.
// scripts/dynamodb_local.py compiles it once (java -m jdk.compiler/com.sun.tools.javac.Main: Debian's JRE
// 17 image holds that module) and runs: java -cp DynamoDBLocal.jar:CLASSES LoopbackDynamoDBLocal -port N ...
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class LoopbackDynamoDBLocal {
    public static void main(String[] args) throws Exception {
        DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
        Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        Server server = (Server) field.get(proxy);
        for (Connector connector : server.getConnectors()) {
            ((ServerConnector) connector).setHost("127.0.0.1");
        }
        proxy.start();
    }
}
