"""Closing a notice is irreversible, so the page asks for confirmation first (issue 21.5)."""

from django.urls import reverse


def test_close_button_sits_behind_a_confirmation(client, open_notice, manager_a):
    client.force_login(manager_a)

    html = client.get(reverse("publicity:detail", args=[open_notice.pk])).content.decode()

    confirm = html.index('data-testid="close-confirm"')
    assert (
        confirm
        < html.index("确认结束公示？结束后不再接受异议")
        < html.index("确认结束公示</button>")
    )
