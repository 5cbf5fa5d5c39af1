using System.Runtime.InteropServices;

namespace Chronos.AppHost.Orchestration;

/// <summary>
/// Ctrl+C, SIGTERM and SIGHUP ask for a clean stop; a second one while stopping means "now":
/// every remaining child gets SIGKILL. A second signal within <see cref="ForceAfter"/> of the first
/// is the same request delivered twice (timeout(1) signals the child and then its process group;
/// a terminal's Ctrl+C and a supervisor's SIGTERM can coincide), not an impatient user. The default action (terminating the AppHost at once) is
/// cancelled, because that would leave the stop to PR_SET_PDEATHSIG instead of the ordered one.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _forced = new();
    private static readonly TimeSpan ForceAfter = TimeSpan.FromSeconds(1);

    private readonly PosixSignalRegistration[] _registrations;
    private long _firstSignal;

    public StopSignals()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, Handle),
        ];
    }

    public CancellationToken Stopping => _stopping.Token;

    public CancellationToken Forced => _forced.Token;

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        if (!_stopping.IsCancellationRequested)
        {
            _firstSignal = System.Diagnostics.Stopwatch.GetTimestamp();
            _stopping.Cancel();
        }
        else if (System.Diagnostics.Stopwatch.GetElapsedTime(_firstSignal) >= ForceAfter)
        {
            _forced.Cancel();
        }
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
        _stopping.Dispose();
        _forced.Dispose();
    }
}
