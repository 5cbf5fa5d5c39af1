using System.Text;
using Chronos.Hypervisor.FileSystem;
using static Chronos.Hypervisor.Tests.Ops;

namespace Chronos.Hypervisor.Tests;

public sealed class BasicVerbsTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Create_lookup_getattr_write_read_readdir_unlink()
    {
        var fs = await redis.NewWorldAsync();
        var root = await fs.GetAttrAsync(Root).Ok();
        Assert.Equal(0x41EDu, root.Mode);
        Assert.Equal(2u, root.Nlink);

        var dir = await fs.MkdirAsync(Root, "etc", 0x1ED, User).Ok();
        Assert.Equal(FileKind.Directory, dir.Kind);
        Assert.Equal(3u, (await fs.GetAttrAsync(Root)).Ok().Nlink);
        var file = await fs.MknodAsync(dir.Ino, "passwd", FileModes.S_IFREG | 0x1A4, 0, User).Ok();
        Assert.Equal(1000u, file.Uid);
        var looked = await fs.LookupAsync(dir.Ino, "passwd").Ok();
        Assert.Equal(file.Ino, looked.Ino);
        Assert.Equal(file.Mode, looked.Mode);

        var text = Encoding.UTF8.GetBytes("root:x:0:0:root:/root:/bin/bash\n");
        Assert.Equal(text.Length, await fs.WriteAsync(file.Ino, 0, text, User).Ok());
        Assert.Equal(text, await fs.ReadAllAsync(file.Ino));
        Assert.Equal(text.Length, (await fs.GetAttrAsync(file.Ino)).Ok().Size);

        var names = (await fs.ListAsync(dir.Ino)).Select(e => e.Name).ToArray();
        Assert.Equal([".", "..", "passwd"], names);

        Assert.True(await fs.UnlinkAsync(dir.Ino, "passwd", User).Ok());
        Assert.Equal(Errno.ENOENT, await fs.LookupAsync(dir.Ino, "passwd").Err());
        Assert.Equal(Errno.ENOENT, await fs.GetAttrAsync(file.Ino).Err());
        await redis.AssertCleanAsync(fs.World);
    }
}
