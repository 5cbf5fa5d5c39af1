using Chronos.Persona.Model;
using static Chronos.Persona.Planning.Octal;

namespace Chronos.Persona.Planning;

public static partial class WorldPlanner
{
    private static void Homes(PlanBuilder b)
    {
        var w = b.World;
        var p = w.Persona;
        b.Dir("/home", time: w.InstalledAt.AddDays(2));
        foreach (var user in p.Users.Where(u => u.HasLoginShell && u.Home != "/" && !u.Home.StartsWith("/nonexistent", StringComparison.Ordinal)))
        {
            Home(b, user);
        }
    }

    private static void Home(PlanBuilder b, UserAccount user)
    {
        var w = b.World;
        var p = w.Persona;
        var r = w.Random("plan:home:" + user.Name);
        var group = p.GroupById(user.Gid)!.Name;
        var root = user.Uid == 0;
        var created = root ? w.InstalledAt : r.Between(w.InstalledAt, w.InstalledAt.AddDays(20));
        var lastLogin = r.Between(w.SeededAt.AddDays(-6), w.SeededAt.AddMinutes(-20));
        // Ubuntu creates homes 0750 since 21.04; Debian keeps 0755.
        var homeMode = root ? O(700) : p.IsDebian || !user.Home.StartsWith("/home/", StringComparison.Ordinal) ? O(755) : O(750);
        b.Dir(user.Home, homeMode, user.Name, group, lastLogin);

        var skel = root ? w.InstalledAt.AddDays(-300) : w.InstalledAt.AddDays(-300);
        b.Text(user.Home + "/.bashrc", SystemFiles.BashRc(root), O(644), user.Name, group, skel);
        b.Text(user.Home + "/.profile", SystemFiles.Profile(root), O(644), user.Name, group, skel);
        if (!root)
        {
            b.Text(user.Home + "/.bash_logout", SystemFiles.BashLogout, O(644), user.Name, group, skel);
        }
        b.Ghost(user.Home + "/.bash_history", Generators.BashHistory, r.Next(900, 14000), O(600), user.Name, group, lastLogin);
        if (!p.IsDebian)
        {
            b.Dir(user.Home + "/.cache", O(700), user.Name, group, created.AddMinutes(1));
            b.Text(user.Home + "/.cache/motd.legal-displayed", "", O(644), user.Name, group, created.AddMinutes(1));
            if (p.Groups.Any(g => g.Name == "sudo" && g.Members.Contains(user.Name)))
            {
                b.Text(user.Home + "/.sudo_as_admin_successful", "", O(644), user.Name, group, created.AddMinutes(r.Next(2, 600)));
            }
        }
        if (user.AuthorizedKeys.Count == 0 && !user.PrivateKey)
        {
            return;
        }
        var sshTime = r.Between(created, w.BootedAt);
        b.Dir(user.Home + "/.ssh", O(700), user.Name, group, sshTime);
        if (user.AuthorizedKeys.Count > 0)
        {
            var lines = string.Concat(user.AuthorizedKeys.Select(comment => w.UserKey(user.Name + ":authorized", comment).PublicKeyLine));
            b.Text(user.Home + "/.ssh/authorized_keys", lines, O(600), user.Name, group, sshTime);
        }
        if (user.PrivateKey)
        {
            var key = w.UserKey(user.Name, $"{user.Name}@{p.Hostname}");
            var keyTime = r.Between(created, sshTime);
            b.NaturalGhost(user.Home + "/.ssh/id_ed25519", Generators.PrivateKey, O(600), user.Name, group, keyTime);
            b.Text(user.Home + "/.ssh/id_ed25519.pub", key.PublicKeyLine, O(644), user.Name, group, keyTime);
            b.Token(key.PublicKeyLine.Split(' ')[1], "ssh-key", user.Home + "/.ssh/id_ed25519");
            b.NaturalGhost(user.Home + "/.ssh/known_hosts", Generators.KnownHosts, O(644), user.Name, group, r.Between(keyTime, lastLogin));
        }
    }

    private static void LazyDirectories(PlanBuilder b)
    {
        var w = b.World;
        foreach (var lazy in w.Persona.Lazy)
        {
            var owner = w.Persona.User(lazy.Owner);
            var group = w.Persona.GroupById(owner.Gid)!.Name;
            var r = w.Random("plan:lazy:" + lazy.Path);
            b.Lazy(lazy.Path, lazy.Kind, owner.Name, group, O(755), r.Between(w.InstalledAt.AddDays(10), w.SeededAt.AddHours(-2)));
        }
    }
}
