using System.Runtime.InteropServices;

namespace Chronos.AppHost.Orchestration;

/// <summary>
/// Ctrl+C, SIGTERM and SIGHUP ask for a clean stop; a second one while stopping means "now":
/// every remaining child gets SIGKILL. The default action (terminating the AppHost at once) is
/// cancelled, because that would leave the stop to PR_SET_PDEATHSIG instead of the ordered one.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _forced = new();
    private readonly PosixSignalRegistration[] _registrations;

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
        if (_stopping.IsCancellationRequested)
        {
            _forced.Cancel();
        }
        else
        {
            _stopping.Cancel();
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
