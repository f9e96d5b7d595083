"""Demo data of the “Dân vận khéo” cycle in Tỉnh Khánh Hòa, built through the real services.

Two campaigns of the province:

- last year's, closed: models recognised at “Cấp tỉnh”, rewarded with a Bằng khen of the
  Chairman of the provincial People's Committee and published on the showcase;
- this year's, open: registration 01/01–31/12 (a demo choice so that newcomers can register
  whatever the day), initiatives in every status, a decided grassroots council, an open
  provincial council partly scored, an open supplementary council with nothing assigned,
  a Giấy khen, replications of last year's models and a quota heat-map with units at zero.

Every write goes through ``danvan.initiatives.services`` with the demo user who would do it
in real life (the commune's officer registers, the province's reviewer accepts, council
members score, the province's leader signs), so the timelines show real names. Idempotent:
a campaign of the province for the year already there is left untouched.

Needs ``manage.py load_units`` and ``manage.py load_demo`` first.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import zlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from danvan.core.notify import emails_muted
from danvan.core.text import fold
from danvan.initiatives import services
from danvan.initiatives.models import (
    DEFAULT_FIELDS,
    AwardKind,
    Campaign,
    CampaignStatus,
    Council,
    Initiative,
    InitiativeKind,
    Status,
)
from danvan.initiatives.selectors import campaign_counts
from danvan.orgs.models import Unit, UnitKind, User

PROVINCE_KEY = "P56"
NHA_TRANG_KEY = "C22366"
DEMO_PASSWORD = "danvan-demo"  # noqa: S105 - the demo password printed by load_demo
USERNAMES = [
    "admin",
    "tinh.canbo",
    "tinh.lanhdao",
    "tinh.thamdinh",
    "tinh.hoidong",
    "nhatrang.canbo",
    "nhatrang.hoidong",
    "phanrang.canbo",
    "phanrang.hoidong",
    "sonoivu.canbo",
]
LEGAL_BASIS = (
    "Chỉ thị số 33/CT-TTg ngày 26/11/2021 của Thủ tướng Chính phủ về tăng cường và đổi mới "
    "công tác dân vận của cơ quan hành chính nhà nước, chính quyền các cấp trong tình hình mới; "
    "Kế hoạch số 5584/KH-UBND ngày 23/12/2022 thực hiện phong trào thi đua “Dân vận khéo” "
    "đến năm 2025 và những năm tiếp theo."
)
DESCRIPTION = (
    "Mỗi cơ quan, đơn vị, địa phương xây dựng, nhân rộng từ 01 đến 02 mô hình, điển hình "
    "“Dân vận khéo” trong năm (không tính cộng dồn các năm trước); đăng ký với Ban Chỉ đạo, "
    "triển khai, tự đánh giá và đề nghị thẩm định, công nhận trong “Tháng Dân vận”."
)
SIGNER = "Lê Minh Quang"
SIGNER_TITLE = "Phó Chủ tịch UBND tỉnh, Trưởng Ban Chỉ đạo"
PROVINCE_ISSUER = "Chủ tịch UBND tỉnh Khánh Hòa"
DEPARTMENT_ISSUER = "Giám đốc Sở Nội vụ tỉnh Khánh Hòa"
MILESTONES = [
    ("Khảo sát, xây dựng kế hoạch", 20),
    ("Ra mắt mô hình, phân công lực lượng", 45),
    ("Sơ kết 6 tháng", 185),
]
# Fields by index into DEFAULT_FIELDS.
ECONOMY, CULTURE, SECURITY, POLITICAL = range(4)


@dataclass(frozen=True)
class Theme:
    field: int
    target_group: str
    reason: str
    goals: str
    content: str
    outputs: str
    figures: tuple[tuple[str, int], ...]
    progress: tuple[str, str]
    captions: tuple[str, str]
    story: str  # "{place}": the commune or province
    colours: tuple[tuple[int, int, int], tuple[int, int, int], tuple[int, int, int]]


THEMES: dict[str, Theme] = {
    "ntm": Theme(
        ECONOMY,
        "Hộ dân các thôn, khu phố",
        "Một số tuyến đường liên thôn xuống cấp, thu nhập của bà con còn thấp; người dân chưa "
        "thật sự là chủ thể trong xây dựng nông thôn mới.",
        "100% hộ dân được bàn bạc, công khai; bê tông hóa các tuyến đường liên thôn còn lại; "
        "thu nhập bình quân tăng ít nhất 10%.",
        "Cấp ủy lãnh đạo, chính quyền điều hành, Mặt trận và các đoàn thể vận động từng hộ theo "
        "phương châm “Dân biết, dân bàn, dân làm, dân kiểm tra, dân giám sát, dân thụ hưởng”; "
        "các khoản đóng góp được niêm yết tại nhà văn hóa.",
        "Số mét đường hoàn thành; số hộ hiến đất; biên bản nghiệm thu có đại diện Nhân dân.",
        (("Mét đường bê tông", 1200), ("Hộ hiến đất", 35), ("Ngày công Nhân dân", 900)),
        (
            "Họp dân tại nhà văn hóa, thống nhất phương án hiến đất và góp ngày công.",
            "Hoàn thành các tuyến đường, Ban giám sát cộng đồng nghiệm thu.",
        ),
        ("Bà con cùng làm đường bê tông liên thôn", "Nghiệm thu tuyến đường do Nhân dân giám sát"),
        "Từ những buổi họp thôn công khai, bà con {place} đã cùng bàn cách làm đường, tự nguyện "
        "hiến đất và góp ngày công. Các tuyến đường liên thôn được bê tông hóa, xe chở nông sản "
        "vào tận ruộng; mọi khoản đóng góp đều được niêm yết công khai tại nhà văn hóa.",
        ((150, 200, 235), (110, 170, 80), (200, 60, 40)),
    ),
    "antt": Theme(
        SECURITY,
        "Hộ gia đình trong khu phố",
        "Tình trạng trộm cắp vặt, tụ tập gây mất trật tự về đêm khiến người dân lo lắng.",
        "Mỗi khu phố có một tổ tự quản; giảm ít nhất 30% vụ việc mất trật tự so với năm trước.",
        "Công an phường hướng dẫn, Mặt trận vận động các hộ tham gia tổ tự quản; lập nhóm Zalo "
        "báo tin, tuần tra luân phiên vào buổi tối, gắn camera an ninh ở các ngõ.",
        "Số tổ tự quản; số camera lắp đặt; số vụ việc được báo tin và xử lý.",
        (("Tổ tự quản", 12), ("Camera an ninh", 40), ("Hộ tham gia", 680)),
        (
            "Ra mắt các tổ tự quản, tập huấn kỹ năng báo tin và hòa giải.",
            "Lắp đặt camera an ninh do Nhân dân đóng góp; tuần tra đêm đều đặn.",
        ),
        ("Ra mắt tổ tự quản an ninh trật tự", "Tổ tự quản tuần tra ban đêm"),
        "Ở {place}, mỗi ngõ phố nay có một tổ tự quản do chính người dân bầu ra. Camera do bà "
        "con góp tiền lắp đặt, nhóm báo tin hoạt động ngày đêm; tiếng kẻng tuần tra buổi tối "
        "trở nên quen thuộc và khu phố bình yên hơn hẳn.",
        ((60, 80, 140), (90, 90, 100), (240, 200, 60)),
    ),
    "ntcs": Theme(
        POLITICAL,
        "Người dân, doanh nghiệp đến giao dịch",
        "Người dân còn phàn nàn về thái độ phục vụ và việc phải đi lại nhiều lần để hoàn thành "
        "một thủ tục hành chính.",
        "100% cán bộ một cửa thực hiện “Nụ cười công sở”; trên 95% người dân hài lòng.",
        "Niêm yết công khai thủ tục, đặt hòm thư góp ý và mã QR đánh giá mức độ hài lòng; cán "
        "bộ chủ động hướng dẫn, gọi điện hẹn trả kết quả; người đứng đầu đối thoại hằng tháng.",
        "Tỷ lệ hồ sơ đúng hạn; tỷ lệ hài lòng qua mã QR; số ý kiến góp ý được trả lời.",
        (("Hồ sơ giải quyết đúng hạn", 4200), ("Lượt đánh giá hài lòng", 3100)),
        (
            "Triển khai mã QR đánh giá sự hài lòng, tập huấn kỹ năng giao tiếp cho cán bộ.",
            "Sơ kết: tỷ lệ hài lòng tăng, không còn hồ sơ trễ hẹn.",
        ),
        ("Cán bộ một cửa hướng dẫn người dân", "Người dân đánh giá sự hài lòng bằng mã QR"),
        "Tại bộ phận một cửa của {place}, người dân được đón bằng nụ cười và sự hướng dẫn tận "
        "tình. Mỗi hồ sơ đều có hẹn rõ ràng, trễ hẹn thì xin lỗi bằng văn bản; mã QR đánh giá "
        "giúp lãnh đạo biết ngay người dân nghĩ gì.",
        ((230, 235, 245), (180, 150, 120), (155, 28, 28)),
    ),
    "t6kh": Theme(
        POLITICAL,
        "Người dân, doanh nghiệp",
        "Hồ sơ nộp cuối tuần thường bị hẹn sang tuần sau, người dân mất thêm thời gian đi lại.",
        "Mọi hồ sơ đủ điều kiện nộp trong ngày thứ Sáu được giải quyết ngay trong tuần.",
        "Phân công cán bộ trực tăng cường chiều thứ Sáu, rà soát quy trình nội bộ, công khai "
        "kết quả hằng tuần trên bảng tin và trang thông tin điện tử.",
        "Số hồ sơ giải quyết trong ngày thứ Sáu; số phản ánh về trễ hẹn.",
        (("Hồ sơ giải quyết trong ngày thứ Sáu", 860), ("Phản ánh trễ hẹn", 0)),
        (
            "Bố trí cán bộ trực tăng cường, công khai cam kết “Ngày thứ 6 không hẹn”.",
            "Công khai kết quả hằng tuần; không còn hồ sơ phải hẹn sang tuần sau.",
        ),
        ("Bộ phận một cửa ngày thứ Sáu", "Bảng công khai kết quả giải quyết hồ sơ"),
        "Ở {place}, thứ Sáu không còn là ngày “hẹn tuần sau”. Cán bộ trực tăng cường để mọi "
        "hồ sơ đủ điều kiện được trả ngay trong tuần, và kết quả được công khai để người dân "
        "cùng giám sát.",
        ((240, 230, 210), (120, 140, 160), (30, 110, 180)),
    ),
    "nhatam": Theme(
        CULTURE,
        "Hộ nghèo, hộ cận nghèo có nhà tạm, nhà dột nát",
        "Còn nhiều hộ nghèo, gia đình chính sách đang ở nhà tạm, dột nát, không an toàn mùa mưa "
        "bão.",
        "Xóa toàn bộ nhà tạm, nhà dột nát của hộ nghèo trên địa bàn trong năm.",
        "Mặt trận chủ trì rà soát, công khai danh sách; vận động doanh nghiệp, nhà hảo tâm góp "
        "kinh phí; đoàn viên, dân quân góp ngày công; hộ dân cùng giám sát chất lượng.",
        "Số căn nhà khởi công, bàn giao; kinh phí vận động; ngày công hỗ trợ.",
        (("Căn nhà bàn giao", 24), ("Triệu đồng vận động", 1450), ("Ngày công hỗ trợ", 620)),
        (
            "Rà soát, công khai danh sách hộ được hỗ trợ; khởi công những căn đầu tiên.",
            "Bàn giao nhà mới trước mùa mưa bão; các hộ dọn về ở.",
        ),
        ("Khởi công xây nhà cho hộ nghèo", "Bàn giao nhà mới trước mùa mưa bão"),
        "Cả hệ thống chính trị {place} đã cùng góp sức để những gia đình khó khăn nhất có mái "
        "nhà vững chãi trước mùa mưa bão: doanh nghiệp góp tiền, thanh niên và dân quân góp "
        "công, chính các hộ dân cùng giám sát chất lượng từng căn nhà.",
        ((250, 210, 150), (170, 120, 80), (200, 40, 40)),
    ),
    "raglai": Theme(
        ECONOMY,
        "Hộ đồng bào Raglai",
        "Nhiều hộ đồng bào Raglai còn canh tác theo tập quán cũ, năng suất thấp, tỷ lệ hộ nghèo "
        "cao.",
        "Mỗi hộ tham gia có ít nhất một mô hình sinh kế ổn định; giảm 5% hộ nghèo trong năm.",
        "Cán bộ, đảng viên “cùng ăn, cùng ở, cùng làm” với bà con; già làng, người có uy tín "
        "vận động; hướng dẫn trồng xoài, nuôi dê, liên kết tiêu thụ sản phẩm.",
        "Số hộ tham gia; số hộ thoát nghèo; diện tích cây trồng mới.",
        (("Hộ tham gia", 86), ("Hộ thoát nghèo", 19), ("Héc-ta xoài trồng mới", 32)),
        (
            "Già làng, người có uy tín cùng cán bộ vận động bà con chuyển đổi cây trồng.",
            "Thu hoạch vụ đầu, liên kết với hợp tác xã tiêu thụ sản phẩm.",
        ),
        ("Cán bộ cùng bà con Raglai trồng xoài", "Già làng vận động bà con tại nhà rông"),
        "Ở {place}, cán bộ về bản “cùng ăn, cùng ở, cùng làm” với bà con Raglai. Nhờ già làng "
        "và người có uy tín đi đầu, nhiều hộ đã chuyển sang trồng xoài, nuôi dê theo hướng dẫn "
        "kỹ thuật, có đầu ra ổn định và thoát nghèo bền vững.",
        ((170, 210, 240), (90, 140, 60), (180, 90, 30)),
    ),
    "bdhvs": Theme(
        CULTURE,
        "Người cao tuổi, người lao động chưa quen công nghệ số",
        "Nhiều người dân, nhất là người cao tuổi, chưa biết dùng dịch vụ công trực tuyến, "
        "thanh toán không dùng tiền mặt.",
        "Mỗi tổ dân phố có tổ công nghệ số cộng đồng; hướng dẫn ít nhất 2.000 lượt người dân.",
        "Đoàn viên thanh niên làm “người hướng dẫn số”, mở lớp “Bình dân học vụ số” buổi tối "
        "tại nhà văn hóa; cài đặt VNeID, hướng dẫn nộp hồ sơ trực tuyến ngay tại nhà.",
        "Số lượt người được hướng dẫn; số tài khoản định danh điện tử kích hoạt.",
        (("Lượt người được hướng dẫn", 2300), ("Tài khoản VNeID kích hoạt", 1500)),
        (
            "Ra mắt các tổ công nghệ số cộng đồng, mở lớp buổi tối tại nhà văn hóa.",
            "Hướng dẫn tận nhà cho người cao tuổi; kích hoạt tài khoản định danh điện tử.",
        ),
        ("Lớp “Bình dân học vụ số” buổi tối", "Đoàn viên hướng dẫn người cao tuổi dùng VNeID"),
        "Những lớp “Bình dân học vụ số” buổi tối ở {place} đã giúp hàng nghìn người dân, nhiều "
        "nhất là các cụ cao tuổi, tự nộp hồ sơ trực tuyến và dùng điện thoại an toàn. Các bạn "
        "đoàn viên kiên nhẫn hướng dẫn từng thao tác, tận nhà khi cần.",
        ((200, 225, 250), (60, 90, 150), (250, 170, 40)),
    ),
    "nuocsach": Theme(
        CULTURE,
        "Hộ dân ven sông, ven biển",
        "Rác thải sinh hoạt và nước thải chưa được thu gom, ảnh hưởng nguồn nước và sức khỏe "
        "người dân.",
        "80% hộ phân loại rác tại nguồn; không còn điểm rác tự phát dọc bờ sông, bờ biển.",
        "Hội viên vận động từng hộ phân loại rác, làm thùng ủ phân hữu cơ; tổ chức ngày Chủ "
        "nhật xanh; giám sát, báo tin điểm xả thải trái phép.",
        "Số hộ phân loại rác; số điểm rác tự phát được xóa; số buổi ra quân.",
        (("Hộ phân loại rác tại nguồn", 540), ("Điểm rác tự phát được xóa", 14)),
        (
            "Ra quân ngày Chủ nhật xanh, phát thùng phân loại rác cho các hộ.",
            "Xóa các điểm rác tự phát, trồng cây xanh dọc bờ sông.",
        ),
        ("Ngày Chủ nhật xanh dọc bờ sông", "Hội viên hướng dẫn phân loại rác tại nguồn"),
        "Những buổi sáng Chủ nhật, người dân {place} cùng nhau ra quân dọn rác, trồng cây ven "
        "sông. Nhờ phân loại rác tại nguồn, các điểm rác tự phát đã được xóa, dòng nước trong "
        "trở lại.",
        ((160, 215, 230), (70, 150, 170), (60, 160, 80)),
    ),
    "tongiao": Theme(
        SECURITY,
        "Đồng bào có đạo và chức sắc tôn giáo",
        "Địa bàn có đông đồng bào theo đạo; cần tăng cường đồng thuận, đoàn kết lương giáo.",
        "Mỗi cơ sở tôn giáo phối hợp ít nhất một hoạt động an sinh; không có điểm nóng.",
        "Cán bộ dân vận thường xuyên gặp gỡ chức sắc; phối hợp tổ chức hoạt động từ thiện, "
        "tuyên truyền pháp luật trong các buổi sinh hoạt tôn giáo.",
        "Số buổi gặp gỡ, đối thoại; số hoạt động an sinh phối hợp.",
        (("Buổi gặp gỡ, đối thoại", 18), ("Hoạt động an sinh phối hợp", 9)),
        (
            "Gặp gỡ chức sắc, thống nhất chương trình phối hợp.",
            "Phối hợp trao quà cho hộ khó khăn nhân dịp lễ.",
        ),
        ("Gặp gỡ chức sắc tôn giáo", "Phối hợp trao quà cho hộ khó khăn"),
        "Ở {place}, cán bộ dân vận và chức sắc tôn giáo cùng ngồi lại, cùng làm việc thiện. "
        "Tinh thần “sống tốt đời, đẹp đạo” lan tỏa, bà con lương giáo đoàn kết giữ gìn bình yên.",
        ((230, 220, 250), (150, 130, 110), (120, 60, 160)),
    ),
    "gpmb": Theme(
        POLITICAL,
        "Hộ dân có đất bị thu hồi",
        "Dự án hạ tầng chậm tiến độ vì một số hộ chưa đồng thuận với phương án bồi thường.",
        "100% hộ được đối thoại trực tiếp; bàn giao mặt bằng đúng tiến độ.",
        "Tổ công tác gồm Mặt trận, đoàn thể và cán bộ địa chính đến từng hộ lắng nghe; tổ chức "
        "đối thoại công khai; giải thích chính sách, kiến nghị điều chỉnh những điểm hợp lý.",
        "Số buổi đối thoại; số hộ đồng thuận; diện tích mặt bằng bàn giao.",
        (("Buổi đối thoại", 11), ("Hộ đồng thuận", 64)),
        (
            "Tổ công tác đến từng hộ lắng nghe, tổng hợp kiến nghị.",
            "Tổ chức đối thoại công khai, trả lời từng kiến nghị.",
        ),
        ("Đối thoại với hộ dân trong vùng dự án", "Tổ công tác đến từng nhà lắng nghe"),
        "Ở {place}, thay vì cưỡng chế, tổ công tác đến từng nhà lắng nghe, đối thoại công khai "
        "và giải thích chính sách. Các kiến nghị hợp lý được điều chỉnh, bà con đồng thuận "
        "bàn giao mặt bằng.",
        ((220, 220, 200), (160, 140, 100), (40, 100, 60)),
    ),
    "hoagiai": Theme(
        POLITICAL,
        "Hộ dân trong khu phố",
        "Mâu thuẫn nhỏ trong khu dân cư dễ phát sinh đơn thư nếu không được hòa giải kịp thời.",
        "Hòa giải thành trên 85% vụ việc ngay tại cơ sở.",
        "Kiện toàn tổ hòa giải, mời người có uy tín tham gia; kết hợp tuyên truyền pháp luật "
        "trong các buổi sinh hoạt khu phố.",
        "Số vụ việc hòa giải thành; số buổi tuyên truyền.",
        (("Vụ việc hòa giải thành", 23), ("Buổi tuyên truyền", 10)),
        (
            "Kiện toàn tổ hòa giải, tập huấn nghiệp vụ.",
            "Hòa giải thành các vụ việc phát sinh.",
        ),
        ("Tổ hòa giải ở cơ sở", "Buổi tuyên truyền pháp luật tại khu phố"),
        "Tổ hòa giải {place} giúp bà con giải quyết mâu thuẫn ngay tại khu phố, tình làng "
        "nghĩa xóm được giữ gìn.",
        ((235, 225, 205), (140, 120, 100), (90, 60, 140)),
    ),
    "phoxanh": Theme(
        CULTURE,
        "Hộ dân, hộ kinh doanh trên tuyến phố",
        "Vỉa hè bị lấn chiếm, thiếu cây xanh và đèn chiếu sáng.",
        "Hoàn thành một tuyến phố văn minh có cây xanh, đèn chiếu sáng, vỉa hè thông thoáng.",
        "Vận động các hộ tự tháo dỡ mái che lấn chiếm, cùng góp tiền trồng cây, lắp đèn.",
        "Số mét vỉa hè được trả lại; số cây xanh, bóng đèn lắp đặt.",
        (("Mét vỉa hè thông thoáng", 800), ("Cây xanh trồng mới", 120)),
        ("Họp dân bàn cách làm.", "Trồng cây, lắp đèn trên tuyến phố."),
        ("Bà con trồng cây trên tuyến phố", "Tuyến phố sáng đèn"),
        "Tuyến phố ở {place} nay xanh, sạch và sáng đèn nhờ chính người dân.",
        ((190, 225, 250), (120, 170, 120), (250, 200, 60)),
    ),
    "tiepdan": Theme(
        POLITICAL,
        "Công dân đến kiến nghị, phản ánh",
        "Một số vụ việc khiếu nại kéo dài do chưa được lắng nghe, giải thích đến nơi đến chốn.",
        "100% công dân đến được tiếp, hướng dẫn; không để phát sinh đơn vượt cấp.",
        "Người đứng đầu tiếp dân định kỳ; “Nghe dân nói, nói dân hiểu, làm dân tin”; đối thoại "
        "tại nơi phát sinh vụ việc.",
        "Số lượt tiếp dân; số vụ việc được giải quyết dứt điểm.",
        (("Lượt tiếp công dân", 320), ("Vụ việc giải quyết dứt điểm", 41)),
        (
            "Lãnh đạo tiếp dân định kỳ, ghi nhận kiến nghị.",
            "Đối thoại tại nơi phát sinh vụ việc.",
        ),
        ("Lãnh đạo tiếp công dân định kỳ", "Đối thoại tại nơi phát sinh vụ việc"),
        "Người dân đến {place} được lắng nghe và giải thích đến nơi đến chốn.",
        ((225, 230, 240), (130, 130, 150), (155, 28, 28)),
    ),
}


@dataclass(frozen=True)
class Spec:
    """One initiative of the demo and what happens to it.

    ``unit``: "nhatrang", "phanrang", "nhatrang/<agency short name>",
    "tinh/<agency short name>" or "xa/<commune name>" (skipped when the commune is missing).
    ``goal``: a status it stops at, or "council" (appraised by the grassroots council with
    ``score``, a fraction of the maximum; then ``after``: "recognised", "rewarded",
    "proposed", "council2" (proposed and sent to the provincial council) or "bangkhen"
    (last year: recognised at the provincial level and rewarded)).
    """

    key: str
    unit: str
    theme: str
    name: str
    goal: str
    score: float = 0.0
    after: str = ""
    publish: bool = False
    replicates: str = ""  # key of a last year's spec
    exemplar: tuple[str, str] = ("", "")
    drop_at: str = ""  # for goal "discontinued": the status it was dropped from


LAST_YEAR = [
    Spec(
        "L1",
        "nhatrang",
        "ntcs",
        "“Chính quyền thân thiện — Nụ cười công sở” tại bộ phận một cửa phường Nha Trang",
        "council",
        0.93,
        "bangkhen",
        publish=True,
    ),
    Spec(
        "L2",
        "phanrang",
        "t6kh",
        "“Ngày thứ 6 không hẹn” — giải quyết thủ tục hành chính ngay trong tuần",
        "council",
        0.9,
        "bangkhen",
        publish=True,
    ),
    Spec(
        "L3",
        "xa/Xã Bác Ái",
        "raglai",
        "Đồng hành cùng hộ đồng bào Raglai phát triển sinh kế, giảm nghèo bền vững",
        "council",
        0.91,
        "bangkhen",
        publish=True,
    ),
    Spec(
        "L4",
        "tinh/UBMTTQ tỉnh",
        "nhatam",
        "Chung tay xóa nhà tạm, nhà dột nát cho hộ nghèo",
        "council",
        0.84,
        "recognised",
        publish=True,
    ),
    Spec(
        "L5",
        "nhatrang/Hội Nông dân",
        "nuocsach",
        "Tổ tự quản bảo vệ môi trường bờ biển",
        "council",
        0.6,
        "",
    ),
    Spec(
        "L6",
        "xa/Xã Bác Ái",
        "tongiao",
        "Già làng Pinăng Văn Tư — người giữ lửa đoàn kết ở thôn",
        "council",
        0.82,
        "recognised",
        publish=True,
        exemplar=("Pinăng Văn Tư", "Già làng, người có uy tín thôn Ma Oai"),
    ),
    Spec(
        "L7",
        "phanrang/Hội Nông dân",
        "antt",
        "Tổ an ninh tự quản thôn Phước Thiện",
        "discontinued",
        drop_at="in_progress",
    ),
]

THIS_YEAR = [
    Spec(
        "Y1",
        "nhatrang",
        "antt",
        "Tổ tự quản an ninh trật tự “Khu phố bình yên” phường Nha Trang",
        "council",
        0.88,
        "recognised",
        publish=True,
    ),
    Spec(
        "Y2",
        "nhatrang",
        "bdhvs",
        "“Bình dân học vụ số” — mỗi tổ dân phố một tổ công nghệ số cộng đồng",
        "council",
        0.92,
        "council2",
    ),
    Spec(
        "Y3",
        "nhatrang",
        "phoxanh",
        "Tuyến phố văn minh “Sáng — Xanh — Sạch — Đẹp”",
        "draft",
    ),
    Spec(
        "Y4",
        "nhatrang/Hội Nông dân",
        "nuocsach",
        "Nông dân phường Nha Trang chung tay giữ nguồn nước sạch",
        "in_progress",
    ),
    Spec(
        "Y5",
        "nhatrang/UBMTTQ",
        "gpmb",
        "Mặt trận phường Nha Trang lắng nghe Nhân dân trong giải phóng mặt bằng",
        "mid_term_reviewed",
    ),
    Spec(
        "Y6",
        "nhatrang/Văn phòng",
        "ntcs",
        "Cán bộ “3 không”: không phiền hà, không sách nhiễu, không trễ hẹn",
        "returned",
    ),
    Spec(
        "Y7",
        "nhatrang/Văn phòng",
        "t6kh",
        "“Ngày thứ 6 không hẹn” tại bộ phận một cửa phường Nha Trang",
        "registered",
    ),
    Spec(
        "Y8",
        "phanrang",
        "nhatam",
        "Chung tay xóa nhà tạm, nhà dột nát cho hộ nghèo phường Phan Rang",
        "council",
        0.9,
        "council2",
    ),
    Spec(
        "Y9",
        "phanrang",
        "tongiao",
        "Vận động đồng bào vùng tôn giáo “sống tốt đời, đẹp đạo”",
        "accepted",
    ),
    Spec(
        "Y10",
        "phanrang/Hội Nông dân",
        "ntm",
        "“Dân vận khéo” trong xây dựng nông thôn mới — cánh đồng nho an toàn",
        "council",
        0.86,
        "rewarded",
        publish=True,
    ),
    Spec(
        "Y11",
        "phanrang/UBMTTQ",
        "gpmb",
        "Đối thoại với Nhân dân về bồi thường, giải phóng mặt bằng",
        "council",
        0.62,
        "",
    ),
    Spec(
        "Y12",
        "phanrang/Văn phòng",
        "hoagiai",
        "Tổ hòa giải kiêm tuyên truyền pháp luật khu phố",
        "discontinued",
        drop_at="registered",
    ),
    Spec(
        "Y13",
        "tinh/Sở Nội vụ",
        "ntcs",
        "“Nụ cười công sở” — Sở Nội vụ tận tình hướng dẫn người dân, doanh nghiệp",
        "council",
        0.85,
        "proposed",
        replicates="L1",
    ),
    Spec(
        "Y14",
        "tinh/Tỉnh đoàn",
        "bdhvs",
        "Thanh niên tình nguyện đưa “Bình dân học vụ số” về vùng cao",
        "council",
        0.87,
        "council2",
    ),
    Spec(
        "Y15",
        "tinh/Hội LHPN tỉnh",
        "nuocsach",
        "Phụ nữ Khánh Hòa “Sống xanh — giữ nguồn nước sạch”",
        "self_assessed",
    ),
    Spec(
        "Y16",
        "tinh/UBMTTQ tỉnh",
        "nhatam",
        "Mặt trận tỉnh “Mái ấm cho hộ nghèo”",
        "in_progress",
    ),
    Spec(
        "Y17",
        "tinh/Thanh tra tỉnh",
        "tiepdan",
        "Tiếp công dân “Nghe dân nói, nói dân hiểu, làm dân tin”",
        "in_progress",
    ),
    Spec(
        "Y18",
        "xa/Xã Bác Ái Tây",
        "raglai",
        "Nhân rộng mô hình đồng hành cùng hộ đồng bào Raglai phát triển sinh kế",
        "council",
        0.8,
        "recognised",
        publish=True,
        replicates="L3",
    ),
    Spec(
        "Y19",
        "xa/Xã Ninh Phước",
        "ntcs",
        "“Nụ cười công sở” tại bộ phận một cửa xã Ninh Phước",
        "council",
        0.78,
        "recognised",
        publish=True,
        replicates="L1",
    ),
    Spec(
        "Y20",
        "xa/Phường Bắc Nha Trang",
        "t6kh",
        "“Ngày thứ 6 không hẹn” tại phường Bắc Nha Trang",
        "in_progress",
        replicates="L2",
    ),
    Spec(
        "Y21",
        "xa/Xã Bác Ái",
        "bdhvs",
        "Già làng, người có uy tín cùng bà con Raglai học “Bình dân học vụ số”",
        "mid_term_reviewed",
    ),
]
NAMED_COMMUNES = {s.unit[3:] for s in LAST_YEAR + THIS_YEAR if s.unit.startswith("xa/")}
# Other communes: registrations cycle through these themes and statuses so the quota
# heat-map shows units at zero, with one and with two.
GENERIC_COMMUNES = 24
GENERIC_THEMES = [
    ("ntm", "“Dân vận khéo” trong xây dựng nông thôn mới kiểu mẫu tại {place}"),
    ("antt", "Tổ tự quản an ninh trật tự khu dân cư {place}"),
    ("ntcs", "“Chính quyền thân thiện” tại bộ phận một cửa {place}"),
    ("nhatam", "Chung tay xóa nhà tạm, nhà dột nát cho hộ nghèo {place}"),
    ("bdhvs", "“Bình dân học vụ số” cho người cao tuổi {place}"),
    ("nuocsach", "Giữ nguồn nước sạch, phân loại rác tại nguồn {place}"),
    ("gpmb", "Đối thoại với Nhân dân trong giải phóng mặt bằng {place}"),
    ("t6kh", "“Ngày thứ 6 không hẹn” tại {place}"),
]
GENERIC_STATUSES = [
    "registered",
    "in_progress",
    "accepted",
    "in_progress",
    "mid_term_reviewed",
    "in_progress",
    "registered",
    "self_assessed",
]


@dataclass
class Dates:
    start: dt.date
    submit: dt.date
    progress: tuple[dt.date, dt.date]
    send: dt.date
    decision: dt.date
    send2: dt.date
    decision2: dt.date
    award: dt.date
    end: dt.date


# ------------------------------------------------------------------------ photos

FONT_PATHS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/arial.ttf",
]


def _font(size: int):
    """A TrueType font with Vietnamese glyphs, or None (captions are then unaccented)."""
    from PIL import ImageFont

    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return None


def demo_photo(caption: str, colours) -> SimpleUploadedFile:
    """A simple drawn picture (sky, houses, people, a banner) with a caption, as a JPEG."""
    from PIL import Image, ImageDraw, ImageFont

    sky, ground, accent = colours
    rng = random.Random(zlib.crc32(caption.encode()))  # noqa: S311 - a picture, not a secret
    width, height = 960, 600
    image = Image.new("RGB", (width, height), sky)
    draw = ImageDraw.Draw(image)
    for y in range(0, 360, 8):  # a soft vertical gradient
        shade = tuple(min(255, c + y // 8) for c in sky)
        draw.rectangle([0, y, width, y + 8], fill=shade)
    draw.ellipse([780, 40, 880, 140], fill=(255, 220, 90))
    draw.rectangle([0, 360, width, height], fill=ground)
    for i in range(4):
        x = 60 + i * 220 + rng.randint(-20, 20)
        w, h = 150, 110 + rng.randint(-15, 25)
        wall = tuple(min(255, c + 60) for c in accent)
        draw.rectangle([x, 360 - h, x + w, 360], fill=wall, outline=(60, 60, 60), width=2)
        draw.polygon([(x - 15, 360 - h), (x + w // 2, 300 - h), (x + w + 15, 360 - h)], fill=accent)
        draw.rectangle([x + 60, 360 - 55, x + 90, 360], fill=(90, 60, 40))
    for i in range(9):
        x = 70 + i * 100 + rng.randint(-25, 25)
        y = 420 + rng.randint(-10, 30)
        shirt = (rng.randint(30, 220), rng.randint(30, 220), rng.randint(30, 220))
        draw.ellipse([x, y, x + 28, y + 28], fill=(240, 200, 160))
        draw.rounded_rectangle([x - 6, y + 30, x + 34, y + 90], radius=10, fill=shirt)
    draw.rectangle([30, 30, 420, 90], fill=(155, 28, 28))
    font_banner, font_caption = _font(30), _font(26)
    banner = "DÂN VẬN KHÉO"
    if font_banner is None:  # no font with Vietnamese glyphs: write it without accents
        font_banner = font_caption = ImageFont.load_default()
        banner, caption = fold(banner).upper(), fold(caption).capitalize()
    draw.text((48, 44), banner, fill=(255, 230, 120), font=font_banner)
    draw.rectangle([0, height - 70, width, height], fill=(20, 20, 20))
    draw.text((24, height - 52), caption[:70], fill=(255, 255, 255), font=font_caption)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return SimpleUploadedFile("anh.jpg", out.getvalue(), content_type="image/jpeg")


# ---------------------------------------------------------------------- command


class Command(BaseCommand):
    help = (
        "Create the “Dân vận khéo” demo (last year's closed campaign and this year's open one "
        "of Tỉnh Khánh Hòa) through the real services. Idempotent."
    )

    def handle(self, *args, **options):
        # The demo's notifications show in the bell; e-mailing them would only flood the
        # worker's console under `make run`.
        with emails_muted():
            self._handle()

    def _handle(self):
        self.today = timezone.localdate()
        self.year = self.today.year
        self._load_people_and_units()
        built = []
        for year, specs, builder in (
            (self.year - 1, LAST_YEAR, self._build_last_year),
            (self.year, THIS_YEAR, self._build_this_year),
        ):
            if Campaign.objects.filter(unit=self.province, year=year).exists():
                self.stdout.write(f"Campaign {year} of {self.province.name} exists: left as is.")
                continue
            with transaction.atomic():
                builder(specs)
            built.append(year)
        self._summary(built)

    # -------------------------------------------------------------- setting up

    def _load_people_and_units(self) -> None:
        try:
            self.province = Unit.objects.get(external_key=PROVINCE_KEY)
            self.nha_trang = Unit.objects.get(external_key=NHA_TRANG_KEY)
        except Unit.DoesNotExist as exc:
            raise CommandError("Load the units first: manage.py load_units") from exc
        communes = Unit.objects.filter(
            path__startswith=self.province.path, kind=UnitKind.COMMUNE
        ).current()
        self.phan_rang = communes.filter(name="Phường Phan Rang").first()
        users = {u.username: u for u in User.objects.filter(username__in=USERNAMES)}
        missing = sorted(set(USERNAMES) - set(users))
        if missing or self.phan_rang is None:
            raise CommandError(
                "Load the demo users and agencies first: manage.py load_demo "
                f"(missing: {', '.join(missing) or 'Phường Phan Rang'})"
            )
        self.users = users
        self.named = {u.name: u for u in communes.filter(name__in=NAMED_COMMUNES)}
        taken = {self.nha_trang.pk, self.phan_rang.pk, *[u.pk for u in self.named.values()]}
        self.generic = [u for u in communes.order_by("path") if u.pk not in taken][
            :GENERIC_COMMUNES
        ]

    def _unit_and_actor(self, ref: str) -> tuple[Unit | None, User]:
        scope, _sep, rest = ref.partition("/")
        if scope == "xa":
            return self.named.get(rest), self.users["admin"]
        parent = {"tinh": self.province, "nhatrang": self.nha_trang, "phanrang": self.phan_rang}[
            scope
        ]
        actor = self.users["tinh.canbo" if scope == "tinh" else f"{scope}.canbo"]
        if not rest:
            return parent, actor
        unit = Unit.objects.filter(
            path__startswith=parent.path, depth=parent.depth + 1, short_name=rest
        ).first()
        if rest == "Sở Nội vụ":
            actor = self.users["sonoivu.canbo"]
        return unit, actor

    @staticmethod
    def _place(unit: Unit) -> str:
        """“phường Nha Trang” for a commune, the full name for an agency or a province."""
        if unit.kind == UnitKind.COMMUNE:
            return unit.name[0].lower() + unit.name[1:]
        return unit.name

    def _area_unit(self, unit: Unit) -> Unit:
        if unit.kind in (UnitKind.COMMUNE, UnitKind.PROVINCE):
            return unit
        parent = Unit.objects.get_parent(unit)
        return parent if parent.kind == UnitKind.COMMUNE else self.province

    def _campaign(self, year: int, *, closes_all_year: bool) -> Campaign:
        if closes_all_year:
            # Demo choice: registration open the whole year so that a newcomer can register;
            # appraisal from September (or today, if earlier) to the year's end.
            dates = {
                "registration_opens": dt.date(year, 1, 1),
                "registration_closes": dt.date(year, 12, 31),
                "appraisal_opens": min(dt.date(year, 9, 1), self.today),
                "appraisal_closes": dt.date(year, 12, 31),
            }
        else:
            dates = {
                k: v
                for k, v in services.campaign_defaults(year).items()
                if k.startswith(("registration", "appraisal"))
            }
        campaign = services.create_campaign(
            actor=self.users["tinh.canbo"],
            unit=self.province,
            year=year,
            name=f"Phong trào thi đua “Dân vận khéo” năm {year} — tỉnh Khánh Hòa",
            description=DESCRIPTION,
            legal_basis=LEGAL_BASIS,
            required_kinds=[
                UnitKind.COMMUNE,
                UnitKind.DEPARTMENT,
                UnitKind.FRONT,
                UnitKind.MASS_ORG,
            ],
            quota_min=1,
            quota_max=2,
            fields=DEFAULT_FIELDS,
            **dates,
        )
        return services.set_campaign_status(
            actor=self.users["tinh.canbo"], campaign=campaign, status=CampaignStatus.OPEN
        )

    # ------------------------------------------------------------ one initiative

    def _register(
        self,
        campaign: Campaign,
        *,
        unit: Unit,
        actor: User,
        theme_key: str,
        name: str,
        dates: Dates,
        replicated_from: Initiative | None = None,
        exemplar: tuple[str, str] = ("", ""),
    ) -> Initiative:
        theme = THEMES[theme_key]
        area_unit = self._area_unit(unit)
        place = self._place(area_unit)
        fields = {f.name: f for f in campaign.fields.all()}
        return services.create_initiative(
            actor=actor,
            campaign=campaign,
            unit=unit,
            kind=InitiativeKind.EXEMPLAR if exemplar[0] else InitiativeKind.MODEL,
            field=fields[DEFAULT_FIELDS[theme.field]],
            name=name,
            reason=theme.reason,
            goals=theme.goals,
            content=theme.content,
            area=f"Địa bàn {place}",
            target_group=theme.target_group,
            participants=(
                "Cấp ủy, chính quyền, Ủy ban MTTQ, các đoàn thể chính trị - xã hội, "
                "người có uy tín và Nhân dân trên địa bàn."
            ),
            resources="Ngân sách hỗ trợ một phần; Nhân dân, doanh nghiệp đóng góp tự nguyện.",
            start_date=dates.start,
            end_date=dates.end,
            outputs=theme.outputs,
            replicability="Cách làm đơn giản, chi phí thấp, có thể nhân rộng ở các địa bàn khác.",
            exemplar_name=exemplar[0],
            exemplar_is_collective=False,
            exemplar_role=exemplar[1],
            replicated_from=replicated_from,
            milestones=[
                {"title": title, "due_date": dates.start + dt.timedelta(days=days)}
                for title, days in MILESTONES
            ]
            + [{"title": "Tổng kết, đánh giá hiệu quả", "due_date": dates.end}],
        )

    def _progress(
        self,
        initiative: Initiative,
        *,
        actor: User,
        theme_key: str,
        dates: Dates,
        updates: int,
        photos: bool,
        public: bool,
    ) -> None:
        theme = THEMES[theme_key]
        milestones = list(initiative.milestones.order_by("order").values_list("pk", flat=True))
        for index in range(updates):
            share = (0.45, 1.0)[index]
            services.add_progress(
                actor=actor,
                initiative=initiative,
                date=dates.progress[index],
                text=theme.progress[index],
                figures=[
                    {"label": label, "value": round(value * share)}
                    for label, value in theme.figures
                ],
                files=[demo_photo(theme.captions[index], theme.colours)] if photos else [],
                captions=[theme.captions[index]],
                public_photos=public,
                milestones_done=milestones[:2] if index == 0 else milestones[2:3],
            )
        if photos and public and updates:
            # Evidence kept for the appraisal only: never shown on the showcase.
            services.add_evidence(
                actor=actor,
                initiative=initiative,
                upload=demo_photo("Danh sách hộ dân ký nhận (lưu nội bộ)", theme.colours),
                caption="Danh sách hộ dân ký nhận (lưu nội bộ)",
                is_public=False,
            )

    def _walk(
        self,
        campaign: Campaign,
        spec: Spec,
        dates: Dates,
        sources: dict[str, Initiative],
    ) -> Initiative | None:
        """Register ``spec`` and move it up to its goal (or to self-assessed for a council)."""
        unit, actor = self._unit_and_actor(spec.unit)
        if unit is None:
            self.stdout.write(f"  (skipped “{spec.name}”: {spec.unit} is not in the units)")
            return None
        reviewer = self.users["tinh.thamdinh"]
        initiative = self._register(
            campaign,
            unit=unit,
            actor=actor,
            theme_key=spec.theme,
            name=spec.name,
            dates=dates,
            replicated_from=sources.get(spec.replicates),
            exemplar=spec.exemplar,
        )
        goal = spec.goal
        if goal == Status.DRAFT:
            return initiative
        services.submit(actor=actor, initiative=initiative, today=dates.submit)
        if goal == Status.REGISTERED:
            return initiative
        if goal == Status.RETURNED:
            return services.return_for_changes(
                actor=reviewer,
                initiative=initiative,
                reason="Đề nghị bổ sung chỉ tiêu cụ thể, đo lường được và phân công rõ lực "
                "lượng phối hợp.",
            )
        if goal == Status.DISCONTINUED and spec.drop_at == Status.REGISTERED:
            return services.discontinue(
                actor=reviewer,
                initiative=initiative,
                reason="Trùng nội dung với mô hình của Ủy ban MTTQ phường; đơn vị đề nghị dừng.",
            )
        services.accept(
            actor=reviewer, initiative=initiative, comment="Đăng ký đúng mẫu, đủ nội dung."
        )
        if goal == Status.ACCEPTED:
            return initiative
        appraised = goal in ("council", Status.SELF_ASSESSED)
        self._progress(
            initiative,
            actor=actor,
            theme_key=spec.theme,
            dates=dates,
            updates=2 if appraised or goal == Status.MID_TERM_REVIEWED else 1,
            photos=True,
            public=spec.publish or appraised,
        )
        if goal == Status.DISCONTINUED:
            return services.discontinue(
                actor=reviewer,
                initiative=initiative,
                reason="Rà soát cuối năm: mô hình không duy trì được hoạt động thường xuyên.",
            )
        if goal == Status.IN_PROGRESS:
            return initiative
        if goal == Status.MID_TERM_REVIEWED:
            return services.mid_term_review(
                actor=reviewer,
                initiative=initiative,
                comment="Sơ kết giữa kỳ: đạt tiến độ; đề nghị bổ sung số liệu minh chứng.",
            )
        return services.self_assess(
            actor=actor,
            initiative=initiative,
            text="Tự đánh giá: hoàn thành các chỉ tiêu đăng ký; còn hạn chế về kinh phí duy "
            "trì và cần thêm thời gian để nhân rộng.",
        )

    # ----------------------------------------------------------------- councils

    def _council(self, campaign: Campaign, rank: int, name: str) -> Council:
        members = [self.users[u] for u in ("tinh.hoidong", "nhatrang.hoidong", "phanrang.hoidong")]
        return services.create_council(
            actor=self.users["tinh.thamdinh"],
            campaign=campaign,
            level=campaign.levels.get(rank=rank),
            unit=self.province,
            name=name,
            members=members,
            chair=members[0],
        )

    def _score(
        self,
        council: Council,
        scores: dict[int, float],
        *,
        members: list[str] | None = None,
        drafts: frozenset[tuple[str, int]] = frozenset(),
    ) -> None:
        """Members score the assignments (initiative pk → fraction of the maximum).

        A member with a conflict of interest is skipped, as the service would refuse.
        """
        criteria = list(council.level.criteria.all())
        offsets = {"tinh.hoidong": 0.0, "nhatrang.hoidong": -0.03, "phanrang.hoidong": 0.02}
        for member in council.members.select_related("user", "home_unit"):
            username = member.user.username
            if members is not None and username not in members:
                continue
            for assignment in council.assignments.select_related(
                "initiative__unit", "council__unit"
            ):
                fraction = scores.get(assignment.initiative_id)
                if fraction is None or services.conflicted(member, assignment):
                    continue
                points = {}
                for criterion in criteria:
                    share = fraction + offsets.get(username, 0) + (criterion.order % 3 - 1) * 0.02
                    value = Decimal(round(float(criterion.max_points) * share * 2)) / 2
                    points[criterion.pk] = max(Decimal(0), min(criterion.max_points, value))
                services.save_scores(
                    actor=member.user,
                    assignment=assignment,
                    points=points,
                    overall_comment="Mô hình thiết thực; cần bổ sung minh chứng số liệu.",
                    submit=(username, assignment.initiative_id) not in drafts,
                )

    def _decide(self, council: Council, number: str, day: dt.date) -> None:
        services.decide_council(
            actor=self.users["tinh.lanhdao"],
            council=council,
            decision_number=number,
            decision_date=day,
            signer=SIGNER,
            signer_title=SIGNER_TITLE,
        )

    def _publish(self, initiative: Initiative, theme_key: str) -> None:
        area = self._place(self._area_unit(initiative.unit))
        services.set_publication(
            actor=self.users["tinh.thamdinh"],
            initiative=initiative,
            published=True,
            story=THEMES[theme_key].story.format(place=area),
        )

    def _award(self, initiative: Initiative, *, kind: str, issuer: str, number: str, day):
        services.record_award(
            actor=self.users["tinh.lanhdao"],
            initiative=initiative,
            kind=AwardKind.objects.get(name=kind),
            issuer=issuer,
            decision_number=number,
            decision_date=day,
            recipient_unit=initiative.unit,
            recipient_person=initiative.exemplar_name,
        )

    # ---------------------------------------------------------------- the years

    def _build_last_year(self, specs: list[Spec]) -> None:
        year = self.year - 1
        self.stdout.write(f"Building the closed campaign of {year}…")
        campaign = self._campaign(year, closes_all_year=False)
        dates = Dates(
            start=dt.date(year, 2, 10),
            submit=dt.date(year, 3, 10),
            progress=(dt.date(year, 5, 20), dt.date(year, 8, 25)),
            send=dt.date(year, 9, 15),
            decision=dt.date(year, 9, 28),
            send2=dt.date(year, 10, 2),
            decision2=dt.date(year, 10, 12),
            award=dt.date(year, 11, 5),
            end=dt.date(year, 12, 31),
        )
        made = {s.key: (s, self._walk(campaign, s, dates, {})) for s in specs}
        made = {k: v for k, v in made.items() if v[1] is not None}
        appraised = {k: v for k, v in made.items() if v[0].goal == "council"}
        council = self._council(
            campaign, 1, f"Hội đồng thẩm định mô hình “Dân vận khéo” cấp cơ sở năm {year}"
        )
        for _spec, initiative in appraised.values():
            services.send_to_council(
                actor=self.users["tinh.thamdinh"],
                initiative=initiative,
                council=council,
                today=dates.send,
            )
        self._score(council, {i.pk: s.score for s, i in appraised.values()})
        self._decide(council, "168/QĐ-BCĐ", dates.decision)
        upper = [i for s, i in appraised.values() if s.after == "bangkhen"]
        council2 = self._council(
            campaign, 2, f"Hội đồng thẩm định mô hình “Dân vận khéo” cấp tỉnh năm {year}"
        )
        for initiative in upper:
            services.propose(actor=self.users["tinh.lanhdao"], initiative=initiative)
            services.send_to_council(
                actor=self.users["tinh.thamdinh"],
                initiative=initiative,
                council=council2,
                today=dates.send2,
            )
        self._score(council2, {i.pk: s.score for s, i in appraised.values() if i in upper})
        self._decide(council2, "197/QĐ-BCĐ", dates.decision2)
        for spec, initiative in appraised.values():
            if spec.after == "bangkhen":
                self._award(
                    initiative,
                    kind="Bằng khen",
                    issuer=PROVINCE_ISSUER,
                    number="2870/QĐ-UBND",
                    day=dates.award,
                )
            if spec.publish:
                self._publish(initiative, spec.theme)
        services.set_campaign_status(
            actor=self.users["tinh.canbo"], campaign=campaign, status=CampaignStatus.CLOSED
        )

    def _build_this_year(self, specs: list[Spec]) -> None:
        year, today = self.year, self.today
        self.stdout.write(f"Building the open campaign of {year}…")
        campaign = self._campaign(year, closes_all_year=True)

        def dates_for(offset: int) -> Dates:
            start = today - dt.timedelta(days=270 + offset)
            return Dates(
                start=start,
                submit=max(dt.date(year, 1, 1), today - dt.timedelta(days=240 + offset)),
                progress=(
                    today - dt.timedelta(days=150 + offset),
                    today - dt.timedelta(days=45 + offset),
                ),
                send=today - dt.timedelta(days=30),
                decision=today - dt.timedelta(days=20),
                send2=today - dt.timedelta(days=5),
                decision2=today,
                award=today - dt.timedelta(days=10),
                end=max(dt.date(year, 12, 31), start + dt.timedelta(days=365)),
            )

        last = Campaign.objects.filter(unit=self.province, year=year - 1).first()
        sources = {}
        if last is not None:
            by_name = {
                i.name: i
                for i in last.initiatives.filter(
                    status__in=[Status.RECOGNISED, Status.PROPOSED, Status.REWARDED]
                )
            }
            sources = {s.key: by_name[s.name] for s in LAST_YEAR if s.name in by_name}
        made = {}
        for index, spec in enumerate(specs):
            initiative = self._walk(campaign, spec, dates_for(index % 20), sources)
            if initiative is not None:
                made[spec.key] = (spec, initiative)
        for index, unit in enumerate(self.generic):
            self._generic(campaign, index, unit, dates_for(index % 30))

        # The grassroots council: scored and decided.
        appraised = {k: v for k, v in made.items() if v[0].goal == "council"}
        council = self._council(
            campaign, 1, f"Hội đồng thẩm định mô hình “Dân vận khéo” cấp cơ sở năm {year}"
        )
        send_day = dates_for(0).send
        for _spec, initiative in appraised.values():
            services.send_to_council(
                actor=self.users["tinh.thamdinh"],
                initiative=initiative,
                council=council,
                today=send_day,
            )
        self._score(council, {i.pk: s.score for s, i in appraised.values()})
        self._decide(council, "215/QĐ-BCĐ", dates_for(0).decision)
        for spec, initiative in appraised.values():
            initiative.refresh_from_db()
            if initiative.status != Status.RECOGNISED:
                continue
            if spec.after == "rewarded":
                self._award(
                    initiative,
                    kind="Giấy khen",
                    issuer=DEPARTMENT_ISSUER,
                    number="112/QĐ-SNV",
                    day=dates_for(0).award,
                )
            elif spec.after in ("proposed", "council2"):
                services.propose(
                    actor=self.users["tinh.lanhdao"],
                    initiative=initiative,
                    comment="Đề nghị Hội đồng cấp tỉnh xem xét công nhận.",
                )
            if spec.publish:
                self._publish(initiative, spec.theme)

        # The provincial council: open, partly scored; tinh.hoidong has not scored yet.
        council2 = self._council(
            campaign, 2, f"Hội đồng thẩm định mô hình “Dân vận khéo” cấp tỉnh năm {year}"
        )
        upper = [i for s, i in appraised.values() if s.after == "council2"]
        for initiative in upper:
            services.send_to_council(
                actor=self.users["tinh.thamdinh"],
                initiative=initiative,
                council=council2,
                today=dates_for(0).send2,
            )
        if upper:
            self._score(
                council2,
                dict(zip([i.pk for i in upper], (0.9, 0.86, 0.84), strict=False)),
                members=["nhatrang.hoidong", "phanrang.hoidong"],
                drafts=frozenset({("phanrang.hoidong", upper[-1].pk)}),
            )
        # A supplementary grassroots council with nothing assigned yet: the reviewer can put
        # the self-assessed initiatives before it.
        self._council(
            campaign,
            1,
            f"Hội đồng thẩm định mô hình “Dân vận khéo” cấp cơ sở năm {year} (đợt bổ sung)",
        )

    def _generic(self, campaign: Campaign, index: int, unit: Unit, dates: Dates) -> None:
        """Registrations of the other communes: none, one or two each."""
        if index % 6 == 5:
            return  # at zero: the heat-map shows it, the reminders reach it
        count = 2 if index % 3 == 0 else 1
        for n in range(count):
            theme_key, name = GENERIC_THEMES[(index + n * 3) % len(GENERIC_THEMES)]
            goal = GENERIC_STATUSES[(index + n) % len(GENERIC_STATUSES)]
            title = name.format(place=self._place(unit))
            spec = Spec(f"G{index}.{n}", "", theme_key, title, goal)
            self._walk_generic(campaign, unit, spec, dates)

    def _walk_generic(self, campaign: Campaign, unit: Unit, spec: Spec, dates: Dates) -> None:
        admin, reviewer = self.users["admin"], self.users["tinh.thamdinh"]
        initiative = self._register(
            campaign, unit=unit, actor=admin, theme_key=spec.theme, name=spec.name, dates=dates
        )
        services.submit(actor=admin, initiative=initiative, today=dates.submit)
        if spec.goal == Status.REGISTERED:
            return
        services.accept(actor=reviewer, initiative=initiative)
        if spec.goal == Status.ACCEPTED:
            return
        self._progress(
            initiative,
            actor=admin,
            theme_key=spec.theme,
            dates=dates,
            updates=2 if spec.goal != Status.IN_PROGRESS else 1,
            photos=False,
            public=False,
        )
        if spec.goal == Status.MID_TERM_REVIEWED:
            services.mid_term_review(
                actor=reviewer, initiative=initiative, comment="Sơ kết giữa kỳ: đạt tiến độ."
            )
        elif spec.goal == Status.SELF_ASSESSED:
            services.self_assess(
                actor=admin, initiative=initiative, text="Tự đánh giá: đạt các chỉ tiêu đăng ký."
            )

    # ------------------------------------------------------------------ summary

    def _summary(self, built: list[int]) -> None:
        if built:
            self.stdout.write(
                self.style.SUCCESS(f"“Dân vận khéo” demo built for {', '.join(map(str, built))}.")
            )
        else:
            self.stdout.write(self.style.SUCCESS("“Dân vận khéo” demo already there: no change."))
        labels = dict(Status.choices)
        current = None
        for campaign in Campaign.objects.filter(
            unit=self.province, year__in=[self.year - 1, self.year]
        ).order_by("year"):
            counts = {k: n for k, n in campaign_counts(campaign).items() if n}
            line = ", ".join(f"{labels[k]}: {n}" for k, n in counts.items())
            self.stdout.write(f"  {campaign.name} [{campaign.get_status_display()}] — {line}")
            if campaign.year == self.year:
                current = campaign
        published = Initiative.objects.published().filter(campaign__unit=self.province).count()
        self.stdout.write(f"  Published on the showcase: {published}")
        if current is None:
            return
        council = current.councils.filter(level__rank=2).first()
        hints: list[tuple[str, str]] = [
            ("(anyone)", f"{reverse('portal:showcase')} — the public showcase, no login"),
            (
                "tinh.thamdinh",
                "accept or return registrations, assign the self-assessed “Phụ nữ Khánh Hòa…” "
                "to the supplementary council, record awards, publish",
            ),
            (
                "tinh.hoidong",
                "score on the phone in the provincial council (not scored yet)"
                + (
                    f": {reverse('initiatives:council_detail', args=[council.pk])}"
                    if council
                    else ""
                ),
            ),
            ("nhatrang.hoidong", "cannot score Nha Trang's models (conflict of interest)"),
            (
                "nhatrang.canbo",
                "register a model (open until 31/12), post progress with photos, correct "
                "the returned registration “Cán bộ 3 không…”",
            ),
            (
                "tinh.lanhdao",
                "quota heat-map "
                f"{reverse('initiatives:quota_heatmap', args=[current.pk])}, statistics, "
                "decide the provincial council",
            ),
            ("tinh.quansat", "read-only observer of everything in the province"),
        ]
        self.stdout.write(f"Tour (password for all: {DEMO_PASSWORD}):")
        for login, text in hints:
            self.stdout.write(f"  {login:<18} {text}")
