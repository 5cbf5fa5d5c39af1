using System.Net.Sockets;
using System.Text;

namespace Chronos.AppHost.Orchestration;

/// <summary>
/// The few Redis commands the AppHost itself sends (PING, AUTH, SHUTDOWN), in RESP over a plain
/// socket: not worth a client library dependency in the AppHost, and it keeps the AppHost
/// independent of the services' Redis client.
/// </summary>
internal static class RespProbe
{
    /// <summary>Sends the commands in order and returns the first line of the last reply ("+PONG", "-LOADING ...").</summary>
    public static async Task<string> SendAsync(string host, int port, IReadOnlyList<string[]> commands, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(host, port, cancellationToken);
        var stream = client.GetStream();
        var request = new StringBuilder();
        foreach (var command in commands)
        {
            request.Append('*').Append(command.Length).Append("\r\n");
            foreach (var part in command)
            {
                request.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
            }
        }
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var reply = "";
        for (var i = 0; i < commands.Count; i++)
        {
            reply = await reader.ReadLineAsync(cancellationToken) ?? throw new IOException("connection closed");
        }
        return reply;
    }

    public static async Task<bool> PingAsync(string host, int port, string? password, CancellationToken cancellationToken)
    {
        try
        {
            string[][] commands = password is null ? [["PING"]] : [["AUTH", password], ["PING"]];
            return await SendAsync(host, port, commands, cancellationToken) == "+PONG";
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return false;
        }
    }

    /// <summary>SHUTDOWN: Redis fsyncs the AOF and exits; the connection closes without a reply.</summary>
    public static async Task ShutdownAsync(string host, int port, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(host, port, [["SHUTDOWN"]], cancellationToken);
        }
        catch (IOException)
        {
            // No reply is the success case: the server closed the connection as it exited.
        }
    }
}
