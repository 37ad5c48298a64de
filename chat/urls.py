from __future__ import annotations

from django.urls import path

from chat import views

app_name = "chat"
urlpatterns = [
    path("chat/", views.start, name="start"),
    path("chat/talk/", views.talk, name="talk"),
    path("chat/talk/send/", views.send, name="send"),
    path("chat/talk/leave/", views.leave_queue, name="leave"),
    path("chat/talk/end/", views.end, name="end"),
    path("chat/talk/contact/", views.contact, name="contact"),
    path("chat/ended/", views.ended, name="ended"),
    # The supporters' console and the supervisors' board.
    path("staff/chat/", views.console, name="console"),
    path("staff/chat/availability/", views.set_availability, name="availability"),
    path("staff/chat/take/", views.take_next, name="take-next"),
    path("staff/chat/board/", views.board, name="board"),
    path("staff/chat/<int:pk>/", views.staff_chat, name="staff-chat"),
    path("staff/chat/<int:pk>/send/", views.staff_send, name="staff-send"),
    path("staff/chat/<int:pk>/canned/", views.staff_send_canned, name="staff-canned"),
    path("staff/chat/<int:pk>/organisation/", views.staff_send_organisation, name="staff-organisation"),
    path("staff/chat/<int:pk>/contact-form/", views.staff_contact_form, name="staff-contact-form"),
    path("staff/chat/<int:pk>/transfer/", views.staff_transfer, name="staff-transfer"),
    path("staff/chat/<int:pk>/end/", views.staff_end, name="staff-end"),
    path("staff/chat/<int:pk>/block/", views.staff_block, name="staff-block"),
    path("staff/chat/<int:pk>/wrap-up/", views.wrap_up, name="wrap-up"),
]
