using Chronos.Gateway.Ssh.Auth;
using Chronos.Gateway.Ssh.Connection;
using Chronos.Gateway.Ssh.Crypto;
using Chronos.Gateway.Ssh.HostKeys;
using Microsoft.Extensions.Logging;

namespace Chronos.Gateway.Ssh;

/// <summary>What every connection of one listener shares: the persona, the base world's keys and policies.</summary>
internal sealed record SshServerContext(
    SshPersonaProfile Profile,
    string World,
    IReadOnlyList<HostKey> HostKeys,
    IAuthenticationPolicy Policy,
    ISshAuditSink Audit,
    IAuthenticationDelay FailureDelay,
    ISshSessionHandler? SessionHandler,
    ISshWorldAssigner WorldAssigner,
    ModuliFile Moduli,
    TimeSpan LoginGraceTime,
    ILogger Logger);
