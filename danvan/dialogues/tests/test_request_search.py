from django.utils import timezone

from danvan.dialogues.selectors import RequestFilters, request_list
from danvan.dialogues.tests.factories import make_dialogue, make_request


def test_requests_are_found_without_accents_in_their_text_and_answer(tree, commune_a_officer):
    dialogue = make_dialogue(tree.commune_a, title="Hội nghị lắng nghe ý kiến")
    wanted = make_request(dialogue, text="Đề nghị nạo vét kênh thoát nước", answered=True)
    make_request(dialogue, text="Sửa chữa đèn chiếu sáng đường Trần Phú")
    today = timezone.localdate()

    def found(q):
        return list(request_list(commune_a_officer, RequestFilters(q=q), today=today))

    assert found("nao vet kenh") == [wanted]
    assert found("NẠO VÉT") == [wanted]
    assert found("da nao vet xong") == [wanted]  # the answer of the factory
    # raised_by is internal: a name in it finds nothing.
    assert found("tran van dan") == []
