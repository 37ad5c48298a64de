from __future__ import annotations

from django.urls import include, path

from referrals import views

app_name = "referrals"

# The caseworkers' own pages, in a namespace of their own (not part of "Get support").
caseworker_urlpatterns = [
    path("requests/", views.queue, name="queue"),
    path("requests/<int:pk>/", views.queue_request, name="request"),
    path("requests/<int:pk>/claim/", views.queue_claim, name="claim"),
    path("requests/<int:pk>/contact/", views.queue_contact, name="contact"),
    path("requests/<int:pk>/note/", views.queue_note, name="note"),
    path("requests/<int:pk>/status/", views.queue_status, name="status"),
    path("requests/<int:pk>/close/", views.queue_close, name="close"),
    path("handoffs/<int:pk>/", views.queue_handoff, name="handoff"),
    path("handoffs/<int:pk>/send-again/", views.queue_handoff_send_again, name="handoff-send-again"),
    path("handoffs/<int:pk>/dealt-with/", views.queue_handoff_resolve, name="handoff-resolve"),
]
urlpatterns = [
    path("get-support/", views.start, name="start"),
    path("get-support/check/", views.impact_check, name="check"),
    path("get-support/check/result/", views.impact_result, name="check-result"),
    path("get-support/check/someone-you-support/", views.supporter_check, name="check-supporter"),
    path("get-support/check/<int:pk>/", views.impact_check_past, name="check-past"),
    path("get-support/yours/", views.my_support, name="my-support"),
    path("get-support/caseworker/", views.caseworker_request, name="caseworker"),
    path("get-support/requests/<int:pk>/", views.support_request_detail, name="request"),
    path("get-support/requests/<int:pk>/change/", views.support_request_change, name="request-change"),
    path("get-support/requests/<int:pk>/withdraw/", views.support_request_withdraw, name="request-withdraw"),
    path("get-support/requests/<int:pk>/ask-again/", views.support_request_ask_again, name="request-ask-again"),
    path("get-support/out-of-hours/", views.out_of_hours_request, name="out-of-hours"),
    path("get-support/out-of-hours/sent/", views.out_of_hours_sent, name="out-of-hours-sent"),
    # The private way back for a request made without an account: a neutral address, a random key.
    path("r/", views.follow_up_enter_key, name="follow-up-enter"),
    path("get-support/silvercloud/", views.silvercloud, name="silvercloud"),
    path("get-support/silvercloud/consent/", views.silvercloud_consent, name="silvercloud-consent"),
    path("get-support/silvercloud/<int:pk>/send-again/", views.silvercloud_send_again, name="silvercloud-send-again"),
    path("get-support/organisations/", views.directory, name="directory"),
    path("staff/", include((caseworker_urlpatterns, "caseworkers"))),
]
