using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Chronos.Gateway.Ssh.Algorithms;
using Chronos.Gateway.Ssh.Auth;
using Chronos.Gateway.Ssh.Connection;
using Chronos.Gateway.Ssh.Crypto;
using Chronos.Gateway.Ssh.HostKeys;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chronos.Gateway.Ssh;

/// <summary>
/// The SSH listener: accepts TCP connections and runs one <see cref="SshServerSession"/> per
/// connection until the host stops. A connection's failure never reaches the accept loop.
/// </summary>
public sealed class SshServer : BackgroundService
{
    private readonly SshServerOptions _options;
    private readonly IHostKeyStore _hostKeys;
    private readonly IAuthenticationPolicy _policy;
    private readonly ISshAuditSink _audit;
    private readonly IAuthenticationDelay _delay;
    private readonly ISshSessionHandler? _handler;
    private readonly ISshWorldAssigner _worlds;
    private readonly ILogger<SshServer> _logger;
    private readonly TaskCompletionSource<IPEndPoint> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private int _activeConnections;

    public SshServer(
        IOptions<SshServerOptions> options,
        IHostKeyStore hostKeys,
        IAuthenticationPolicy policy,
        ISshAuditSink audit,
        IAuthenticationDelay delay,
        ILogger<SshServer> logger,
        ISshSessionHandler? handler = null,
        ISshWorldAssigner? worlds = null)
    {
        _options = options.Value;
        _hostKeys = hostKeys;
        _policy = policy;
        _audit = audit;
        _delay = delay;
        _handler = handler;
        // Without a persistence policy wired, every connection runs in the configured world.
        _worlds = worlds ?? new SharedWorldAssigner();
        _logger = logger;
    }

    /// <summary>Completes with the bound endpoint once the listener is up (port 0 → the kernel's choice).</summary>
    public Task<IPEndPoint> Listening => _listening.Task;

    public int ActiveConnections => Volatile.Read(ref _activeConnections);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var profile = SshPersonaProfile.ByName(_options.Persona) with { KeyboardInteractive = _options.KeyboardInteractive };
            var keys = await _hostKeys.LoadOrCreateAsync(_options.World, stoppingToken);
            var context = new SshServerContext(profile, _options.World, keys, _policy, _audit, _delay, _handler, _worlds,
                ModuliFile.Load(_options.ModuliPath), _options.LoginGraceTime, _logger);

            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(new IPEndPoint(IPAddress.Parse(_options.ListenAddress), _options.Port));
            listener.Listen(512);
            var bound = (IPEndPoint)listener.LocalEndPoint!;
            Log.Listening(_logger, bound.ToString(), profile.Name, _options.World);
            _listening.TrySetResult(bound);

            while (!stoppingToken.IsCancellationRequested)
            {
                var socket = await listener.AcceptAsync(stoppingToken);
                Track(RunConnectionAsync(context, socket, stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _listening.TrySetCanceled(stoppingToken);
        }
        catch (Exception e)
        {
            Log.AcceptFailed(_logger, e);
            _listening.TrySetException(e);
            throw;
        }
    }

    /// <summary>
    /// Stops accepting, ends every connection (each one's programs are stopped and their
    /// sandboxes disposed, cgroups and all) and waits for them, within the host's shutdown time:
    /// a host that returned earlier would exit under sessions still being torn down.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await Task.WhenAll(_connections.Keys).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Log.ConnectionsOutlivedShutdown(_logger, _connections.Count);
        }
    }

    private void Track(Task connection)
    {
        _connections.TryAdd(connection, 0);
        _ = connection.ContinueWith(done => _connections.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task RunConnectionAsync(SshServerContext context, Socket socket, CancellationToken stoppingToken)
    {
        Interlocked.Increment(ref _activeConnections);
        try
        {
            socket.NoDelay = true;
            await using var stream = new NetworkStream(socket, ownsSocket: true);
            // Small segments: an idle connection should cost kilobytes, not the default 64 KiB pools.
            var pipe = new DuplexStream(
                PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true)),
                PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 4096, leaveOpen: true)));
            await using var session = new SshServerSession(context, pipe, socket.RemoteEndPoint);
            Log.ConnectionAccepted(_logger, session.Id, socket.RemoteEndPoint?.ToString());
            await session.RunAsync(stoppingToken);
        }
        catch (Exception e)
        {
            Log.AcceptFailed(_logger, e);
        }
        finally
        {
            Interlocked.Decrement(ref _activeConnections);
        }
    }

    private sealed record DuplexStream(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
