using System.Buffers.Binary;
using System.Net;
using System.Text;
using Chronos.Persona.Planning;

namespace Chronos.Persona.Generation;

/// <summary>
/// /var/log/wtmp and /var/log/btmp as glibc writes them on x86_64: 384-byte struct utmp records
/// (utmp(5); ut_type, ut_pid, ut_line[32], ut_id[4], ut_user[32], ut_host[256], ut_exit,
/// ut_session, ut_tv as two int32, ut_addr_v6[4], 20 unused bytes). wtmp holds the boot and the
/// persona's users' sessions from the addresses they work from; btmp the password guesses sshd
/// refused. `last -f` and `lastb -f` read them.
/// </summary>
internal static class UtmpGenerator
{
    public const int RecordSize = 384;

    private const short BootTime = 2;
    private const short LoginProcess = 6;
    private const short UserProcess = 7;
    private const short DeadProcess = 8;

    private static readonly string[] Guesses = ["root", "admin", "test", "user", "oracle", "postgres", "git", "ubuntu", "support", "guest", "deploy", "pi"];

    public static byte[] Records(GhostRequest request)
    {
        var w = request.World;
        var random = request.Random("utmp");
        var count = (int)(request.Size / RecordSize);
        var result = new byte[request.Size];
        var (from, to) = LogSchedule.Window(w, request.Origin.Generator, LogSchedule.IndexOf(request.Path));
        if (request.Mtime < to)
        {
            to = request.Mtime;
        }
        if (from >= to)
        {
            from = to.AddDays(-1);
        }
        // Instants spread over the window, in order; the last at the file's mtime.
        var times = Enumerable.Range(0, count).Select(_ => random.Between(from, to)).Order().ToList();
        if (count > 0)
        {
            times[^1] = to;
        }
        var users = w.Persona.LoginUsers.Where(u => u.Password is not null || u.AuthorizedKeys.Count > 0).ToList();
        var i = 0;
        if (request.Origin.Generator == Generators.Btmp)
        {
            for (; i < count; i++)
            {
                var ip = LogWriter.PublicAddress(random);
                Write(result.AsSpan(i * RecordSize, RecordSize), LoginProcess, random.Next(1000, 400000), "ssh:notty", "", random.Pick(Guesses), ip, times[i], random);
            }
            return result;
        }
        if (w.BootedAt >= from && w.BootedAt <= to && count > 0)
        {
            times[0] = w.BootedAt;
            times.Sort();
            Write(result.AsSpan(0, RecordSize), BootTime, 0, "~", "~~", "reboot", w.Persona.Kernel.Release, w.BootedAt, random);
            i = 1;
        }
        var pts = 0;
        while (i < count)
        {
            var user = users.Count > 0 ? random.Pick(users).Name : "root";
            var peer = w.Persona.Network.Peers.Count > 0 ? random.Pick(w.Persona.Network.Peers).Address : LogWriter.PublicAddress(random);
            var line = "pts/" + pts.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var id = "ts/" + pts.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var pid = random.Next(1000, 400000);
            Write(result.AsSpan(i * RecordSize, RecordSize), UserProcess, pid, line, id, user, peer, times[i], random);
            i++;
            if (i < count)
            {
                Write(result.AsSpan(i * RecordSize, RecordSize), DeadProcess, pid, line, id, "", "", times[i], random);
                i++;
            }
            pts = (pts + 1) % 3;
        }
        return result;
    }

    private static void Write(Span<byte> record, short type, int pid, string line, string id, string user, string host, DateTimeOffset time, SeededRandom random)
    {
        BinaryPrimitives.WriteInt16LittleEndian(record, type);
        BinaryPrimitives.WriteInt32LittleEndian(record[4..], pid);
        Encoding.ASCII.GetBytes(line).AsSpan(0, Math.Min(line.Length, 32)).CopyTo(record[8..]);
        Encoding.ASCII.GetBytes(id).AsSpan(0, Math.Min(id.Length, 4)).CopyTo(record[40..]);
        Encoding.ASCII.GetBytes(user).AsSpan(0, Math.Min(user.Length, 32)).CopyTo(record[44..]);
        Encoding.ASCII.GetBytes(host).AsSpan(0, Math.Min(host.Length, 256)).CopyTo(record[76..]);
        BinaryPrimitives.WriteInt32LittleEndian(record[336..], type == UserProcess ? random.Next(1, 9000) : 0); // ut_session
        BinaryPrimitives.WriteInt32LittleEndian(record[340..], (int)time.ToUnixTimeSeconds());
        BinaryPrimitives.WriteInt32LittleEndian(record[344..], random.Next(0, 1_000_000));
        if (IPAddress.TryParse(host, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            address.GetAddressBytes().CopyTo(record[348..]);
        }
    }
}
