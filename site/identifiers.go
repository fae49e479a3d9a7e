package site

import (
	"bytes"
	"image"
	_ "image/gif"  // footer.govMarkImage may be a GIF
	_ "image/jpeg" // or a JPEG
	_ "image/png"  // or a PNG
	"strings"
)

// configName is the configuration's file as problems name it.
func (b *builder) configName() string {
	if b.opts.ConfigLabel != "" {
		return b.opts.ConfigLabel
	}
	return "site.yaml"
}

// checkIdentifiers warns, in a build for the public (a base URL that is
// not this machine, see Config.Local), about each of the identifiers a
// government site must show in its footer that the configuration leaves
// empty: 网站标识码 (footer.siteCode), ICP备案号 (footer.icp) and
// 公安机关备案号 (footer.publicSec). A warning does not stop the build:
// the numbers may still be on their way when a site is first put up.
func (b *builder) checkIdentifiers() {
	if b.cfg.Local() {
		return
	}
	f := b.cfg.Footer
	for _, id := range []struct{ key, name, value, where string }{
		{"siteCode", "网站标识码", f.SiteCode, "网站标识码向本级政府办公室（政府网站主管单位）申请，在全国政府网站基本信息数据库中取得"},
		{"icp", "ICP备案号", f.ICP, "ICP备案号在工业和信息化部ICP/IP地址/域名信息备案管理系统办理"},
		{"publicSec", "公安机关备案号", f.PublicSec, "公安机关备案号在全国互联网安全管理服务平台办理"},
	} {
		if strings.TrimSpace(id.value) != "" {
			continue
		}
		b.report.Warnings = append(b.report.Warnings, &Problem{File: b.configName(),
			Msg: "网站将以 " + b.cfg.BaseURL + " 对外发布，但 footer." + id.key + "（" + id.name + "）为空，页脚不会显示" + id.name +
				"。请在 " + b.configName() + " 的 footer." + id.key + " 填写备案结果（" + id.where + "）"})
	}
}

// checkGovMark fails the build when footer.govMarkImage names a file the
// site does not publish (a broken picture in every page's footer) or one
// that is not a PNG, JPEG or GIF picture; otherwise it gives the footer the
// picture's size (Footer.GovMarkWidth, GovMarkHeight).
func (b *builder) checkGovMark(jobs []job) {
	img := strings.TrimSpace(b.cfg.Footer.GovMarkImage)
	if img == "" {
		return
	}
	if isExternal(img) {
		b.probs.add(b.configName(), 0, "footer.govMarkImage %q 是外部网址：党政机关网站标识的图片须放在本站（主题或网站的 static/ 文件夹中），写成本站路径，如 /img/dzjg.png", img)
		return
	}
	target := "/" + strings.TrimPrefix(img, "/")
	for _, j := range jobs {
		if j.name != outputName(target) {
			continue
		}
		data, err := j.render()
		if err != nil {
			b.probs.add(b.configName(), 0, "footer.govMarkImage：读取 %s 出错：%v", j.source, err)
			return
		}
		c, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			b.probs.add(b.configName(), 0, "footer.govMarkImage：%s 不是 PNG、JPEG 或 GIF 图片。请换用取得的标识图片原件", j.source)
			return
		}
		b.site.Footer.GovMarkWidth, b.site.Footer.GovMarkHeight = c.Width, c.Height
		return
	}
	b.probs.add(b.configName(), 0, "footer.govMarkImage %q 无效：网站上没有 %s 这个文件。请把党政机关网站标识的图片放到 static%s，或改正路径", img, target, target)
}
